#include "core/data/NumericTable.h"

#include <sstream>

#include "core/data/DataError.h"
#include "core/data/NumberText.h"
#include "core/data/TextFile.h"

namespace ms {

NumericTable readNumericTable(const std::string& path) {
    const std::string text = readTextFile(path);
    NumericTable t;
    std::istringstream lines(text);
    std::string line;
    long lineNo = 0;
    while (std::getline(lines, line)) {
        ++lineNo;
        for (char& c : line)
            if (c == ',' || c == '\t' || c == '\r') c = ' ';
        std::istringstream fields(line);
        std::string field;
        std::size_t count = 0;
        while (fields >> field) {
            const ParsedNumber n = parseNumber(field);
            if (n.kind != NumberKind::Finite)
                throw DataError(path, lineNo, "column " + std::to_string(count + 1), "not a finite number: '" + field + "'");
            t.values.push_back(n.value);
            ++count;
        }
        if (count == 0) continue;  // blank line
        if (t.rows == 0) t.columns = count;
        else if (count != t.columns)
            throw DataError(path, lineNo, "", "has " + std::to_string(count) + " values; the first row has " +
                                                  std::to_string(t.columns));
        ++t.rows;
    }
    if (t.rows == 0) throw DataError(path, 0, "", "no data rows");
    return t;
}

}  // namespace ms
