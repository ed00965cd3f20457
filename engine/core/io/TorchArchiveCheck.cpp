#include "core/io/TorchArchiveCheck.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <vector>

#include "core/io/BundleError.h"

namespace ms {
namespace {

constexpr uint32_t kEndOfDirectory = 0x06054b50, kZip64End = 0x06064b50, kZip64Locator = 0x07064b50;
constexpr uint32_t kDirectoryEntry = 0x02014b50, kLocalHeader = 0x04034b50;
constexpr uint64_t kLargestCode = 16u << 20;  // the module code of our files is a few kB

struct Entry {
    std::string name;
    uint16_t method = 0;
    uint64_t compressed = 0, uncompressed = 0, localOffset = 0;
};

class ArchiveReader {
public:
    ArchiveReader(const std::string& path, const std::string& what) : m_path(path), m_what(what) {
        m_in.open(path, std::ios::binary | std::ios::ate);
        if (!m_in) fail("cannot be opened");
        m_size = static_cast<uint64_t>(m_in.tellg());
    }

    [[noreturn]] void fail(const std::string& why) const {
        throw BundleError(m_path + ": not a Maskstudio " + m_what + " (damaged or foreign file: " + why + ")");
    }

    std::vector<unsigned char> read(uint64_t offset, uint64_t length) {
        if (offset > m_size || length > m_size - offset) fail("a record reaches past the end of the file");
        std::vector<unsigned char> bytes(static_cast<std::size_t>(length));
        m_in.clear();
        m_in.seekg(static_cast<std::streamoff>(offset));
        if (length > 0 && !m_in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(length)))
            fail("could not read " + std::to_string(length) + " bytes at offset " + std::to_string(offset));
        return bytes;
    }

    uint64_t size() const { return m_size; }

    std::vector<Entry> entries() {
        if (m_size < 22) fail("too short for a zip archive");
        const uint64_t tail = std::min<uint64_t>(m_size, 22 + 65535);
        const std::vector<unsigned char> end = read(m_size - tail, tail);
        int64_t at = -1;
        for (int64_t i = static_cast<int64_t>(tail) - 22; i >= 0; --i)
            if (u32(end, static_cast<std::size_t>(i)) == kEndOfDirectory) {
                at = i;
                break;
            }
        if (at < 0) fail("no zip directory at its end");
        const std::size_t e = static_cast<std::size_t>(at);
        const uint64_t endOffset = m_size - tail + static_cast<uint64_t>(at);
        uint64_t count = u16(end, e + 10), directorySize = u32(end, e + 12), directoryOffset = u32(end, e + 16);
        uint64_t directoryLimit = endOffset;
        if (count == 0xFFFF || directorySize == 0xFFFFFFFFu || directoryOffset == 0xFFFFFFFFu ||
            (e >= 20 && u32(end, e - 20) == kZip64Locator)) {
            if (e < 20 || u32(end, e - 20) != kZip64Locator) fail("a zip64 directory without its locator");
            const uint64_t zip64At = u64(end, e - 20 + 8);
            const std::vector<unsigned char> z = read(zip64At, 56);
            if (u32(z, 0) != kZip64End) fail("a broken zip64 directory record");
            count = u64(z, 32);
            directorySize = u64(z, 40);
            directoryOffset = u64(z, 48);
            directoryLimit = zip64At;
        }
        if (directoryOffset > directoryLimit || directorySize > directoryLimit - directoryOffset)
            fail("the zip directory lies outside the file");
        if (count == 0 || count > directorySize / 46) fail("the zip directory's entry count does not fit its size");
        const std::vector<unsigned char> dir = read(directoryOffset, directorySize);
        std::vector<Entry> out;
        std::size_t p = 0;
        for (uint64_t i = 0; i < count; ++i) {
            if (p + 46 > dir.size() || u32(dir, p) != kDirectoryEntry) fail("a broken zip directory entry");
            Entry entry;
            entry.method = u16(dir, p + 10);
            entry.compressed = u32(dir, p + 20);
            entry.uncompressed = u32(dir, p + 24);
            const std::size_t nameLength = u16(dir, p + 28), extraLength = u16(dir, p + 30), commentLength = u16(dir, p + 32);
            entry.localOffset = u32(dir, p + 42);
            if (p + 46 + nameLength + extraLength + commentLength > dir.size()) fail("a zip directory entry runs past the directory");
            entry.name.assign(reinterpret_cast<const char*>(dir.data() + p + 46), nameLength);
            readZip64Sizes(dir, p + 46 + nameLength, extraLength, entry);
            p += 46 + nameLength + extraLength + commentLength;
            checkEntry(entry);
            out.push_back(std::move(entry));
        }
        return out;
    }

    // The bytes an entry holds (stored, or inflated), at most `limit` of them.
    std::string contents(const Entry& entry, uint64_t limit) {
        if (entry.uncompressed > limit) fail(entry.name + " is larger than expected");
        const uint64_t start = dataStart(entry);
        const std::vector<unsigned char> raw = read(start, entry.compressed);
        if (entry.method == 0) return std::string(raw.begin(), raw.end());
        std::string out(static_cast<std::size_t>(entry.uncompressed), '\0');
        z_stream s{};
        if (inflateInit2(&s, -MAX_WBITS) != Z_OK) fail("could not inflate " + entry.name);
        s.next_in = const_cast<Bytef*>(raw.data());
        s.avail_in = static_cast<uInt>(raw.size());
        s.next_out = reinterpret_cast<Bytef*>(out.data());
        s.avail_out = static_cast<uInt>(out.size());
        const int rc = inflate(&s, Z_FINISH);
        const uint64_t produced = s.total_out;
        inflateEnd(&s);
        if (rc != Z_STREAM_END || produced != entry.uncompressed) fail(entry.name + " does not inflate to its declared size");
        return out;
    }

private:
    static uint16_t u16(const std::vector<unsigned char>& b, std::size_t i) {
        return static_cast<uint16_t>(b[i] | (b[i + 1] << 8));
    }
    static uint32_t u32(const std::vector<unsigned char>& b, std::size_t i) {
        return static_cast<uint32_t>(u16(b, i)) | (static_cast<uint32_t>(u16(b, i + 2)) << 16);
    }
    static uint64_t u64(const std::vector<unsigned char>& b, std::size_t i) {
        return static_cast<uint64_t>(u32(b, i)) | (static_cast<uint64_t>(u32(b, i + 4)) << 32);
    }

    void readZip64Sizes(const std::vector<unsigned char>& dir, std::size_t at, std::size_t length, Entry& entry) const {
        const bool needs = entry.uncompressed == 0xFFFFFFFFu || entry.compressed == 0xFFFFFFFFu || entry.localOffset == 0xFFFFFFFFu;
        for (std::size_t q = at; q + 4 <= at + length;) {
            const uint16_t id = u16(dir, q), size = u16(dir, q + 2);
            if (q + 4 + size > at + length) fail("a zip extra field runs past its entry");
            if (id == 0x0001) {
                std::size_t v = q + 4;
                const auto next = [&](uint64_t& field) {
                    if (field != 0xFFFFFFFFu) return;
                    if (v + 8 > q + 4 + size) fail("a short zip64 field in " + entry.name);
                    field = u64(dir, v);
                    v += 8;
                };
                next(entry.uncompressed);
                next(entry.compressed);
                next(entry.localOffset);
                return;
            }
            q += 4 + size;
        }
        if (needs) fail("a zip64 entry without its sizes: " + entry.name);
    }

    uint64_t dataStart(const Entry& entry) {
        const std::vector<unsigned char> local = read(entry.localOffset, 30);
        if (u32(local, 0) != kLocalHeader) fail("no local header where the directory puts " + entry.name);
        const uint64_t start = entry.localOffset + 30 + u16(local, 26) + u16(local, 28);
        if (start > m_size || entry.compressed > m_size - start) fail(entry.name + " reaches past the end of the file");
        return start;
    }

    void checkEntry(const Entry& entry) {
        if (entry.name.empty()) fail("an entry without a name");
        if (entry.method != 0 && entry.method != 8) fail(entry.name + " uses compression method " + std::to_string(entry.method));
        if (entry.method == 0 && entry.compressed != entry.uncompressed) fail(entry.name + " declares two sizes");
        // deflate cannot shrink data more than about 1032 : 1
        if (entry.method == 8 && entry.uncompressed > entry.compressed * 1032 + 64) fail(entry.name + " declares an impossible size");
        dataStart(entry);
    }

    std::string m_path, m_what;
    std::ifstream m_in;
    uint64_t m_size = 0;
};

// The pickles inside (data.pkl, constants.pkl, the debug pickle): LibTorch's unpickler trusts
// lengths and memo indices (fuzzing: a 4-byte memo index made it reserve 31 GB) and the stack. So
// every opcode must be one of the binary protocol's that LibTorch writes, every length must fit
// in what is left, every memo index must be one already assigned (or the next), and the stack,
// simulated with its marks, must never run short. Returns "" or what is wrong.
std::string checkPickle(const std::string& bytes) {
    const auto* b = reinterpret_cast<const unsigned char*>(bytes.data());
    const std::size_t n = bytes.size();
    std::size_t p = 0;
    uint64_t memo = 0;
    int64_t depth = 0;
    std::vector<int64_t> marks;
    const auto little = [&](std::size_t at, int width) {
        uint64_t v = 0;
        for (int i = width - 1; i >= 0; --i) v = (v << 8) | b[at + static_cast<std::size_t>(i)];
        return v;
    };
    const auto floor = [&] { return marks.empty() ? int64_t{0} : marks.back(); };
    while (p < n) {
        const unsigned char op = b[p++];
        const std::size_t left = n - p;
        // the stack effect: `need` items consumed (above the last mark), `push` pushed
        int64_t need = 0, push = 0;
        std::size_t argument = 0;
        bool toMark = false;
        switch (op) {
            case 0x80: argument = 1; break;                       // PROTO
            case 0x95: argument = 8; break;                       // FRAME
            case '.':                                             // STOP
                if (depth < 1 || p != n) return "a pickle that does not end at its STOP";
                return "";
            case '(': marks.push_back(depth); break;              // MARK
            case ')': case ']': case '}': case 'N': case 0x88: case 0x89: push = 1; break;
            case 't': case 'l': case 'd': toMark = true; push = 1; break;  // TUPLE, LIST, DICT
            case 'e': case 'u': toMark = true; break;             // APPENDS, SETITEMS (onto the item below the mark)
            case 0x85: need = 1; push = 1; break;                 // TUPLE1
            case 0x86: need = 2; push = 1; break;                 // TUPLE2
            case 0x87: need = 3; push = 1; break;                 // TUPLE3
            case 'a': need = 2; push = 1; break;                  // APPEND
            case 's': need = 3; push = 1; break;                  // SETITEM
            case 'R': case 'b': case 0x81: need = 2; push = 1; break;  // REDUCE, BUILD, NEWOBJ
            case 'Q': need = 1; push = 1; break;                  // BINPERSID
            case 'J': argument = 4; push = 1; break;              // BININT
            case 'K': argument = 1; push = 1; break;              // BININT1
            case 'M': argument = 2; push = 1; break;              // BININT2
            case 'G': argument = 8; push = 1; break;              // BINFLOAT
            case 0x8a:                                            // LONG1
                if (left < 1 || b[p] > 8) return "a pickled integer of an impossible size";
                argument = 1 + b[p]; push = 1; break;
            case 'X': case 'B': case 'T': case 0x8c: case 'C': case 'U': case 0x8d: case 0x8e: {
                const int width = (op == 'X' || op == 'B' || op == 'T') ? 4 : (op == 0x8d || op == 0x8e) ? 8 : 1;
                if (left < static_cast<std::size_t>(width)) return "a pickled string cut short";
                const uint64_t length = little(p, width);
                if (length > left - static_cast<std::size_t>(width)) return "a pickled string longer than the pickle";
                argument = static_cast<std::size_t>(width) + static_cast<std::size_t>(length);
                push = 1;
                break;
            }
            case 'c': {                                           // GLOBAL: module\nname\n
                const std::size_t first = bytes.find('\n', p);
                const std::size_t second = first == std::string::npos ? first : bytes.find('\n', first + 1);
                if (second == std::string::npos || second - p > 512) return "a pickled global without its two lines";
                argument = second + 1 - p;
                push = 1;
                break;
            }
            case 'h': case 'j': {                                 // BINGET, LONG_BINGET
                const int width = op == 'h' ? 1 : 4;
                if (left < static_cast<std::size_t>(width) || little(p, width) >= memo) return "a pickle reads a memo entry never written";
                argument = static_cast<std::size_t>(width);
                push = 1;
                break;
            }
            case 'q': case 'r': {                                 // BINPUT, LONG_BINPUT
                const int width = op == 'q' ? 1 : 4;
                if (left < static_cast<std::size_t>(width)) return "a pickle cut short";
                const uint64_t id = little(p, width);
                if (id > memo) return "a pickle writes memo entry " + std::to_string(id) + " after " + std::to_string(memo);
                if (id == memo) ++memo;
                argument = static_cast<std::size_t>(width);
                need = 1;
                push = 1;
                break;
            }
            case 0x94: need = 1; push = 1; ++memo; break;         // MEMOIZE
            default:
                return "pickle opcode " + std::to_string(op) + " is not one LibTorch writes";
        }
        if (argument > left) return "a pickle cut short";
        p += argument;
        if (toMark) {
            if (marks.empty()) return "a pickle closes a mark it never opened";
            depth = marks.back();
            marks.pop_back();
            if ((op == 'e' || op == 'u') && depth - floor() < 1) return "a pickle appends to nothing";
            depth += push;
            continue;
        }
        if (depth - need < floor()) return "a pickle takes more from its stack than it holds";
        depth += push - need;
    }
    return "a pickle without its STOP";
}

bool isTypeName(const std::string& t) { return t == "Tensor" || t == "str" || t == "int" || t == "float" || t == "bool"; }

bool isIdentifier(const std::string& s) {
    if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

// "a", "b/c.d", ...: the quoted names of a parameter list, each followed by ", ".
bool isQuotedList(const std::string& body) {
    std::size_t p = 0;
    while (p < body.size()) {
        if (body[p] != '"') return false;
        const std::size_t close = body.find('"', p + 1);
        if (close == std::string::npos || body.find('\\', p + 1) < close) return false;
        if (body.compare(close + 1, 2, ", ") != 0) return false;
        p = close + 3;
    }
    return true;
}

bool isModuleCodeLine(const std::string& line) {
    if (line.empty()) return true;
    if (line.rfind("  ", 0) != 0) return false;
    const std::string s = line.substr(2);
    for (const char* list : {"__parameters__ = [", "__buffers__ = ["}) {
        const std::string prefix = list;
        if (s.rfind(prefix, 0) == 0 && s.back() == ']') return isQuotedList(s.substr(prefix.size(), s.size() - prefix.size() - 1));
    }
    if (s == "__annotations__ = []") return true;  // written when no attribute has a plain name
    const std::string annotation = "__annotations__[\"";
    if (s.rfind(annotation, 0) == 0) {
        const std::size_t close = s.find("\"] = ", annotation.size());
        if (close == std::string::npos) return false;
        const std::string name = s.substr(annotation.size(), close - annotation.size());
        return name.find_first_of("\"\\") == std::string::npos && isTypeName(s.substr(close + 5));
    }
    const std::size_t colon = s.find(" : ");
    return colon != std::string::npos && isIdentifier(s.substr(0, colon)) && isTypeName(s.substr(colon + 3));
}

}  // namespace

void checkTorchArchive(const std::string& path, const std::string& what) {
    ArchiveReader archive(path, what);
    const std::vector<Entry> entries = archive.entries();
    const Entry* code = nullptr;
    for (const Entry& e : entries) {
        const std::string suffix = "/code/__torch__.py";
        if (e.name.size() > suffix.size() && e.name.compare(e.name.size() - suffix.size(), suffix.size(), suffix) == 0) {
            if (code) archive.fail("two module code entries");
            code = &e;
        }
    }
    if (!code) archive.fail("no module code entry");
    for (const Entry& e : entries)
        if (e.name.size() > 3 && e.name.compare(e.name.size() - 3, 3, "pkl") == 0)
            if (const std::string problem = checkPickle(archive.contents(e, archive.size() * 1032)); !problem.empty())
                archive.fail(e.name + ": " + problem);
    const std::string text = archive.contents(*code, kLargestCode);
    std::size_t start = 0, lineNumber = 1;
    for (; start <= text.size(); ++lineNumber) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        const std::string line = text.substr(start, end - start);
        const bool ok = lineNumber == 1 ? line == "class Module(Module):" : isModuleCodeLine(line);
        if (!ok) archive.fail("line " + std::to_string(lineNumber) + " of its module code is not what Maskstudio writes");
        start = end + 1;
    }
}

}  // namespace ms
