#include "core/data/ColumnLabel.h"

#include <cctype>
#include <regex>
#include <stdexcept>
#include <vector>

namespace ms {

namespace {

bool isUpper(char c) { return std::isupper(static_cast<unsigned char>(c)) != 0; }
bool isLower(char c) { return std::islower(static_cast<unsigned char>(c)) != 0; }
bool isDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool isLetter(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

std::vector<std::string> splitWords(const std::string& text) {
    std::vector<std::string> words;
    std::string word;
    const auto flush = [&] {
        if (!word.empty()) words.push_back(word);
        word.clear();
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '_' || c == '-' || c == '.' || std::isspace(static_cast<unsigned char>(c))) {
            flush();
            continue;
        }
        if (!word.empty()) {
            const char p = word.back();
            const bool lowerToUpper = isLower(p) && isUpper(c);
            // "HTMLParser": a capital followed by a lower-case letter starts a word after capitals
            const bool capsToWord = isUpper(p) && isUpper(c) && i + 1 < text.size() && isLower(text[i + 1]) && word.size() > 1;
            const bool letterDigit = (isLetter(p) && isDigit(c)) || (isDigit(p) && isLetter(c));
            if (lowerToUpper || capsToWord || letterDigit) flush();
        }
        word += c;
    }
    flush();
    return words;
}

bool allCapitals(const std::string& word) {
    bool letters = false;
    for (char c : word) {
        if (isLower(c)) return false;
        letters = letters || isUpper(c);
    }
    return letters;
}

}  // namespace

std::string tidyColumnLabel(const std::string& column) {
    static const std::regex oneHot(R"((\s+show)?\s+OHCLASS\s*:\s*\S+\s*$)", std::regex::icase);
    const std::string stem = std::regex_replace(column, oneHot, "");
    const std::vector<std::string> words = splitWords(stem);
    if (words.empty()) return column;
    std::string label;
    for (std::string w : words) {
        if (allCapitals(w) && w.size() > 2)
            for (char& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        else if (!allCapitals(w) && !label.empty() && w.size() > 1 && isUpper(w[0]) && isLower(w[1]))
            w[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(w[0])));  // "BikeStyle" -> "Bike style"
        if (!label.empty()) label += ' ';
        label += w;
    }
    label[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(label[0])));
    return label;
}

std::string conditionLabel(const Schema& schema, std::size_t index) {
    if (index < schema.categorical.size()) {
        const CategoricalSpec& c = schema.categorical[index];
        return c.label.empty() ? tidyColumnLabel(c.column) : c.label;
    }
    index -= schema.categorical.size();
    if (index < schema.numerical.size()) {
        const NumericalSpec& n = schema.numerical[index];
        return n.label.empty() ? tidyColumnLabel(n.column) : n.label;
    }
    throw std::out_of_range("condition " + std::to_string(index + schema.categorical.size()) + " is past the schema's " +
                            std::to_string(schema.conditionCount()) + " conditions");
}

}  // namespace ms
