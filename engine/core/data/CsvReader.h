#pragma once
// Reading and writing the CSV files users bring: RFC 4180 quoting, any line ending, a UTF-8 BOM,
// and errors that point at the file, line and column instead of crashing or guessing.
#include <string>
#include <vector>

#include "core/data/NumberText.h"

namespace ms {

struct CsvTable {
    std::string path;                            // name used in error messages
    std::vector<std::string> header;             // empty header cells become "Unnamed: <index>"
    std::vector<std::vector<std::string>> rows;  // every row has header.size() fields
    std::vector<long> lineNumbers;               // 1-based physical line where each row starts

    int columnIndex(const std::string& name) const;  // -1 if absent
};

// The header must be on line 1; blank lines after it are skipped. Throws DataError.
CsvTable parseCsv(const std::string& text, const std::string& nameForErrors, char delimiter = ',');
CsvTable readCsvFile(const std::string& path, char delimiter = ',');

// Writes comma-separated with '\n' line ends, quoting only the fields that need it so that
// readCsvFile gives back exactly the same strings. Throws DataError when the file can't be written.
void writeCsvFile(const std::string& path, const std::vector<std::string>& header,
                  const std::vector<std::vector<std::string>>& rows);

}  // namespace ms
