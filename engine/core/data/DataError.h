#pragma once
// An error in user-supplied data that names where it happened (file, line, column), so the
// message can be shown verbatim to a user who knows their CSV but not our code.
#include <stdexcept>
#include <string>

namespace ms {

class DataError : public std::runtime_error {
public:
    DataError(std::string file, long line, std::string column, const std::string& what)
        : std::runtime_error(format(file, line, column, what)),
          m_file(std::move(file)), m_line(line), m_column(std::move(column)) {}

    const std::string& file() const { return m_file; }
    long line() const { return m_line; }            // 1-based; 0 when not tied to a line
    const std::string& column() const { return m_column; }  // empty when not tied to a column

private:
    static std::string format(const std::string& file, long line, const std::string& column,
                              const std::string& what) {
        std::string s = file.empty() ? std::string("<data>") : file;
        if (line > 0) s += ":" + std::to_string(line);
        if (!column.empty()) s += ": column '" + column + "'";
        return s + ": " + what;
    }
    std::string m_file;
    long m_line;
    std::string m_column;
};

}  // namespace ms
