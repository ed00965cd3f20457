#include "core/data/CsvReader.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include "core/data/DataError.h"
#include "core/data/TextFile.h"

namespace ms {

namespace {

struct RawField {
    std::string text;
    bool quoted = false;
};

// A record is the fields of one logical row plus the physical line where it starts.
struct RawRecord {
    std::vector<RawField> fields;
    long line = 0;

    bool isBlank() const { return fields.size() == 1 && !fields[0].quoted && fields[0].text.empty(); }
};

class CsvParser {
public:
    CsvParser(const std::string& text, const std::string& name, char delimiter)
        : m_text(text), m_name(name), m_delimiter(delimiter) {
        // A UTF-8 byte-order mark is not part of the first column's name.
        if (m_text.size() >= 3 && m_text.compare(0, 3, "\xEF\xBB\xBF") == 0) m_pos = 3;
    }

    bool atEnd() const { return m_pos >= m_text.size(); }

    // The header is needed to name the column of an error inside a row.
    void setHeader(const std::vector<std::string>* header) { m_header = header; }

    RawRecord next() {
        RawRecord record;
        record.line = m_line;
        while (true) {
            record.fields.push_back(nextField(record.fields.size()));
            if (atEnd()) return record;
            const char c = m_text[m_pos];
            if (c == m_delimiter) {
                ++m_pos;
                continue;
            }
            consumeLineBreak();
            return record;
        }
    }

private:
    bool isBlankChar(char c) const { return (c == ' ' || c == '\t') && c != m_delimiter; }
    bool isLineBreak(char c) const { return c == '\n' || c == '\r'; }

    void consumeLineBreak() {
        if (m_text[m_pos] == '\r' && m_pos + 1 < m_text.size() && m_text[m_pos + 1] == '\n') ++m_pos;
        ++m_pos;
        ++m_line;
    }

    std::string columnName(std::size_t fieldIndex) const {
        if (m_header && fieldIndex < m_header->size()) return (*m_header)[fieldIndex];
        return "";
    }

    std::string fieldLabel(std::size_t fieldIndex) const { return "field " + std::to_string(fieldIndex + 1); }

    RawField nextField(std::size_t fieldIndex) {
        RawField field;
        std::size_t start = m_pos;
        while (start < m_text.size() && isBlankChar(m_text[start])) ++start;
        if (start < m_text.size() && m_text[start] == '"') {
            m_pos = start + 1;
            field.quoted = true;
            readQuoted(field.text, fieldIndex);
            return field;
        }
        m_pos = start;
        while (!atEnd() && m_text[m_pos] != m_delimiter && !isLineBreak(m_text[m_pos])) ++m_pos;
        std::size_t end = m_pos;
        while (end > start && isBlankChar(m_text[end - 1])) --end;
        field.text.assign(m_text, start, end - start);
        return field;
    }

    void readQuoted(std::string& out, std::size_t fieldIndex) {
        const long openLine = m_line;
        while (true) {
            if (atEnd()) {
                throw DataError(m_name, openLine, columnName(fieldIndex),
                                "unterminated quoted field (" + fieldLabel(fieldIndex) +
                                    "): the opening quote on this line is never closed");
            }
            const char c = m_text[m_pos];
            if (c == '"') {
                if (m_pos + 1 < m_text.size() && m_text[m_pos + 1] == '"') {
                    out += '"';
                    m_pos += 2;
                    continue;
                }
                ++m_pos;
                break;
            }
            if (c == '\r' || c == '\n') {
                // Embedded line breaks are kept verbatim but still count as physical lines.
                const bool crlf = c == '\r' && m_pos + 1 < m_text.size() && m_text[m_pos + 1] == '\n';
                out.append(m_text, m_pos, crlf ? 2 : 1);
                m_pos += crlf ? 2 : 1;
                ++m_line;
                continue;
            }
            out += c;
            ++m_pos;
        }
        while (!atEnd() && isBlankChar(m_text[m_pos])) ++m_pos;
        if (!atEnd() && m_text[m_pos] != m_delimiter && !isLineBreak(m_text[m_pos])) {
            throw DataError(m_name, m_line, columnName(fieldIndex),
                            std::string("unexpected character '") + m_text[m_pos] +
                                "' after the closing quote of " + fieldLabel(fieldIndex) +
                                " (a quote inside a quoted field must be doubled)");
        }
    }

    const std::string& m_text;
    const std::string& m_name;
    char m_delimiter;
    std::size_t m_pos = 0;
    long m_line = 1;
    const std::vector<std::string>* m_header = nullptr;
};

std::vector<std::string> makeHeader(const RawRecord& record, const std::string& name) {
    std::vector<std::string> header;
    header.reserve(record.fields.size());
    std::unordered_map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < record.fields.size(); ++i) {
        std::string column = record.fields[i].text;
        if (column.empty()) column = "Unnamed: " + std::to_string(i);  // as pandas names it
        auto [it, inserted] = seen.emplace(column, i);
        if (!inserted) {
            throw DataError(name, record.line, column,
                            "duplicate column name (columns " + std::to_string(it->second + 1) + " and " +
                                std::to_string(i + 1) + " of the header)");
        }
        header.push_back(std::move(column));
    }
    return header;
}

bool needsQuoting(const std::string& field) {
    if (field.find_first_of(",\"\r\n") != std::string::npos) return true;
    // Unquoted fields are trimmed on reading, so surrounding blanks need quotes to survive.
    const auto isBlank = [](char c) { return c == ' ' || c == '\t'; };
    return !field.empty() && (isBlank(field.front()) || isBlank(field.back()));
}

void appendField(std::string& out, const std::string& field) {
    if (!needsQuoting(field)) {
        out += field;
        return;
    }
    out += '"';
    for (char c : field) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

void appendRecord(std::string& out, const std::vector<std::string>& fields) {
    // A lone empty field would be a blank line, which the reader skips.
    if (fields.size() == 1 && fields[0].empty()) {
        out += "\"\"\n";
        return;
    }
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) out += ',';
        appendField(out, fields[i]);
    }
    out += '\n';
}

}  // namespace

int CsvTable::columnIndex(const std::string& name) const {
    for (std::size_t i = 0; i < header.size(); ++i) {
        if (header[i] == name) return static_cast<int>(i);
    }
    return -1;
}

CsvTable parseCsv(const std::string& text, const std::string& nameForErrors, char delimiter) {
    if (delimiter == '"' || delimiter == '\r' || delimiter == '\n')
        throw std::invalid_argument("parseCsv: the delimiter cannot be a quote or a line break");

    CsvTable table;
    table.path = nameForErrors;
    CsvParser parser(text, nameForErrors, delimiter);

    bool sawBlankLine = false;
    long firstBlankLine = 0;
    while (!parser.atEnd() && table.header.empty()) {
        RawRecord record = parser.next();
        if (record.isBlank()) {
            if (!sawBlankLine) firstBlankLine = record.line;
            sawBlankLine = true;
            continue;
        }
        // The header line number is part of the contract (errors about columns cite line 1).
        if (sawBlankLine) {
            throw DataError(nameForErrors, firstBlankLine, "",
                            "blank line before the header: the header must be on line 1");
        }
        table.header = makeHeader(record, nameForErrors);
    }
    if (table.header.empty()) throw DataError(nameForErrors, 0, "", "file is empty");
    parser.setHeader(&table.header);

    const std::size_t width = table.header.size();
    while (!parser.atEnd()) {
        RawRecord record = parser.next();
        if (record.isBlank()) continue;
        if (record.fields.size() != width) {
            const std::size_t found = record.fields.size();
            std::string what = "expected " + std::to_string(width) + " fields (as in the header), found " +
                               std::to_string(found);
            if (found > width) what += ": field " + std::to_string(width + 1) + " has no column name";
            throw DataError(nameForErrors, record.line, found < width ? table.header[found] : "", what);
        }
        std::vector<std::string> row;
        row.reserve(width);
        for (RawField& field : record.fields) row.push_back(std::move(field.text));
        table.rows.push_back(std::move(row));
        table.lineNumbers.push_back(record.line);
    }
    if (table.rows.empty())
        throw DataError(nameForErrors, 0, "", "no data rows: the file has a header but nothing under it");
    return table;
}

CsvTable readCsvFile(const std::string& path, char delimiter) {
    return parseCsv(readTextFile(path), path, delimiter);
}

void writeCsvFile(const std::string& path, const std::vector<std::string>& header,
                  const std::vector<std::vector<std::string>>& rows) {
    std::string out;
    appendRecord(out, header);
    for (std::size_t r = 0; r < rows.size(); ++r) {
        if (rows[r].size() != header.size())
            throw std::invalid_argument("writeCsvFile: row " + std::to_string(r) + " has " +
                                        std::to_string(rows[r].size()) + " fields, the header has " +
                                        std::to_string(header.size()));
        appendRecord(out, rows[r]);
    }
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    if (!file) throw DataError(path, 0, "", std::string("cannot write the file: ") + std::strerror(errno));
    file.write(out.data(), static_cast<std::streamsize>(out.size()));
    file.close();
    if (!file) throw DataError(path, 0, "", std::string("cannot write the file: ") + std::strerror(errno));
}

}  // namespace ms
