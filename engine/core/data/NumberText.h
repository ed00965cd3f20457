#pragma once
// Numbers as text, independent of the C locale: a Qt application calls setlocale(LC_ALL, ""),
// after which strtod/printf would read and write "1,5" on a German desktop.
#include <string>
#include <string_view>

namespace ms {

enum class NumberKind {
    Finite,      // value holds the number
    NonFinite,   // nan, inf, -infinity, ... (any case)
    OutOfRange,  // looks like a number but overflows or underflows a double (1e400)
    NotANumber,  // anything else, including the empty string
};

struct ParsedNumber {
    NumberKind kind = NumberKind::NotANumber;
    double value = 0.0;
};

// Parses a whole string (no surrounding whitespace allowed) as a decimal number; a leading '+'
// is accepted.
ParsedNumber parseNumber(std::string_view text);

// Shortest text that reads back to exactly the same double ("0.1", "689", "1e+300").
std::string formatNumber(double value);

}  // namespace ms
