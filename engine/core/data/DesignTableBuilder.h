#pragma once
// Applying a Schema to a parsed CSV: every cell checked and converted, and every problem reported
// with file, line and column, because training on a silently mangled table wastes hours.
#include <cstddef>
#include <string>
#include <vector>

#include "core/data/CsvReader.h"
#include "core/data/DesignTable.h"
#include "core/data/Schema.h"

namespace ms {

// Keypoint and output cells must be finite numbers; empty condition cells are unknown
// (kUnknownClass / NaN); nan/inf are rejected everywhere. Categorical cells match classes as
// strings, or by value when every class is a number ("1" matches class "1.0"). Columns of the
// CSV that the schema does not mention are skipped. Throws DataError.
DesignTable buildDesignTable(const CsvTable& table, const Schema& schema);

// The same for models that learn from incomplete designs (engine/partial): an empty keypoint or
// output cell is NaN in the table (unobserved), and a row without a single keypoint value is left
// out, its line appended to skippedLines (when given). Every other check is as above.
// unseenClasses (when given): a categorical cell holding a class the schema does not know is read
// as unknown instead of an error (a model asked about a kind of design it never saw, e.g. a new
// bike style), and recorded here, one entry per column and class.
struct UnseenClass {
    std::string column, value;
    long firstLine = 0;     // CSV line of its first cell
    std::size_t cells = 0;  // how many cells hold it
};
DesignTable buildDesignTableWithGaps(const CsvTable& table, const Schema& schema, std::vector<long>* skippedLines,
                                     std::vector<UnseenClass>* unseenClasses = nullptr);
// "BikeStyle 'GRAVEL' (12 rows from line 3001), ...": for a note to the user.
std::string describeUnseenClasses(const std::vector<UnseenClass>& unseen);

// An empty table shaped for the schema (dimensions set, room reserved for `rows` rows, rows = 0):
// the start of every builder that appends rows one at a time.
DesignTable emptyDesignTable(const Schema& schema, std::size_t rows);

// Writes keypoint x,y columns, outputs, categorical, numerical (empty cell when unknown or NaN),
// with shortest round-trip numbers: buildDesignTable(readCsvFile(path), schema) gives back
// exactly t (buildDesignTableWithGaps when an output is NaN).
// Throws DataError when the file can't be written or a value is infinite, and
// std::invalid_argument when t does not match the schema.
void writeDesignCsv(const std::string& path, const Schema& schema, const DesignTable& t);

}  // namespace ms
