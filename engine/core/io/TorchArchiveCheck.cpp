#include "core/io/TorchArchiveCheck.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
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

// What the pickle check knows of a pickled value: enough to read a tensor's storage reference.
struct PickleValue {
    enum class Kind { Other, Text, Integer, Global, Tuple } kind = Kind::Other;
    std::string text;  // Text; Global: "module.name"
    int64_t integer = 0;
    std::vector<std::shared_ptr<const PickleValue>> items;  // Tuple (short ones: a storage reference has 5)
};
using PickleItem = std::shared_ptr<const PickleValue>;

PickleItem pickleValue(PickleValue::Kind kind, std::string text = {}, int64_t integer = 0) {
    auto v = std::make_shared<PickleValue>();
    v->kind = kind;
    v->text = std::move(text);
    v->integer = integer;
    return v;
}

// The bytes per element of LibTorch's storage classes ("torch.FloatStorage", ...); 0 for others.
int64_t storageElementSize(const std::string& global) {
    static const std::map<std::string, int64_t> sizes{
        {"torch.FloatStorage", 4}, {"torch.DoubleStorage", 8}, {"torch.HalfStorage", 2}, {"torch.BFloat16Storage", 2},
        {"torch.LongStorage", 8},  {"torch.IntStorage", 4},    {"torch.ShortStorage", 2}, {"torch.CharStorage", 1},
        {"torch.ByteStorage", 1},  {"torch.BoolStorage", 1},   {"torch.ComplexFloatStorage", 8}, {"torch.ComplexDoubleStorage", 16}};
    const auto it = sizes.find(global);
    return it == sizes.end() ? 0 : it->second;
}

// The pickles inside (data.pkl, constants.pkl, the debug pickle): LibTorch's unpickler trusts
// lengths and memo indices (fuzzing: a 4-byte memo index made it reserve 31 GB) and the stack. So
// every opcode must be one of the binary protocol's that LibTorch writes, every length must fit
// in what is left, every memo index must be one already assigned (or the next), and the stack,
// simulated with its marks, must never run short. A tensor's storage reference (BINPERSID on
// ('storage', torch.<Type>Storage, key, location, numel)) is handed to `storage`, which says
// whether the archive holds that many bytes for it: LibTorch sizes the storage from numel and
// backs it with the record, whatever the record's size. Returns "" or what is wrong.
std::string checkPickle(const std::string& bytes, const std::function<std::string(const std::string& key, uint64_t bytes)>& storage) {
    using Kind = PickleValue::Kind;
    const auto* b = reinterpret_cast<const unsigned char*>(bytes.data());
    const std::size_t n = bytes.size();
    std::size_t p = 0;
    std::vector<PickleItem> stack, memo;
    std::vector<std::size_t> marks;
    const PickleItem other = pickleValue(Kind::Other);
    const auto little = [&](std::size_t at, int width) {
        uint64_t v = 0;
        for (int i = width - 1; i >= 0; --i) v = (v << 8) | b[at + static_cast<std::size_t>(i)];
        return v;
    };
    const auto floor = [&] { return marks.empty() ? std::size_t{0} : marks.back(); };
    // the items above the floor, as a tuple (its items kept when it is short)
    const auto tupleOf = [&](std::size_t from) {
        auto t = std::make_shared<PickleValue>();
        t->kind = Kind::Tuple;
        if (stack.size() - from <= 8) t->items.assign(stack.begin() + static_cast<std::ptrdiff_t>(from), stack.end());
        stack.resize(from);
        return t;
    };
    const auto storageReference = [&](const PickleValue& id) -> std::string {
        const auto is = [&](std::size_t i, Kind k) { return id.items.size() == 5 && id.items[i]->kind == k; };
        if (id.kind != Kind::Tuple || !is(0, Kind::Text) || id.items[0]->text != "storage" || !is(1, Kind::Global) || !is(2, Kind::Text) ||
            !is(3, Kind::Text) || !is(4, Kind::Integer))
            return "a persistent reference that is not a tensor's storage";
        const int64_t element = storageElementSize(id.items[1]->text);
        if (element == 0) return "a storage of an unknown type (" + id.items[1]->text + ")";
        const std::string& location = id.items[3]->text;
        if (location != "cpu" && location.rfind("cuda", 0) != 0) return "a storage on an unknown device";
        const int64_t numel = id.items[4]->integer;
        if (numel < 0 || numel > (int64_t{1} << 50) / element) return "a storage of an impossible size";
        return storage(id.items[2]->text, static_cast<uint64_t>(numel * element));
    };
    while (p < n) {
        const unsigned char op = b[p++];
        const std::size_t left = n - p;
        std::size_t argument = 0;
        std::size_t need = 0;      // items taken from above the last mark
        PickleItem push;           // what the opcode leaves on the stack (null: nothing)
        switch (op) {
            case 0x80: argument = 1; break;                       // PROTO
            case 0x95: argument = 8; break;                       // FRAME
            case '.':                                             // STOP
                if (stack.empty() || p != n) return "a pickle that does not end at its STOP";
                return "";
            case '(': marks.push_back(stack.size()); break;       // MARK
            case ')': push = tupleOf(stack.size()); break;        // EMPTY_TUPLE
            case ']': case '}': case 'N': case 0x88: case 0x89: push = other; break;
            case 't': case 'l': case 'd': case 'e': case 'u': {   // TUPLE, LIST, DICT, APPENDS, SETITEMS: to the mark
                if (marks.empty()) return "a pickle closes a mark it never opened";
                const std::size_t mark = marks.back();
                marks.pop_back();
                if (op == 't') push = tupleOf(mark);
                else {
                    stack.resize(mark);
                    if (op == 'l' || op == 'd') push = other;
                    else if (stack.size() - floor() < 1) return "a pickle appends to nothing";  // onto the item below the mark
                }
                break;
            }
            case 0x85: case 0x86: case 0x87: {                    // TUPLE1, TUPLE2, TUPLE3
                need = static_cast<std::size_t>(op - 0x84);
                if (stack.size() - floor() < need) return "a pickle takes more from its stack than it holds";
                push = tupleOf(stack.size() - need);
                need = 0;
                break;
            }
            case 'a': need = 2; push = other; break;              // APPEND
            case 's': need = 3; push = other; break;              // SETITEM
            case 'R': case 'b': case 0x81: need = 2; push = other; break;  // REDUCE, BUILD, NEWOBJ
            case 'Q': {                                           // BINPERSID
                if (stack.size() - floor() < 1) return "a pickle takes more from its stack than it holds";
                if (const std::string problem = storageReference(*stack.back()); !problem.empty()) return problem;
                need = 1;
                push = other;
                break;
            }
            case 'J': case 'K': case 'M': {                       // BININT, BININT1, BININT2
                const int width = op == 'J' ? 4 : op == 'K' ? 1 : 2;
                if (left < static_cast<std::size_t>(width)) return "a pickle cut short";
                const uint64_t raw = little(p, width);
                const int64_t value = op == 'J' ? static_cast<int64_t>(static_cast<int32_t>(raw)) : static_cast<int64_t>(raw);
                argument = static_cast<std::size_t>(width);
                push = pickleValue(Kind::Integer, {}, value);
                break;
            }
            case 'G': argument = 8; push = other; break;          // BINFLOAT
            case 0x8a: {                                          // LONG1: little-endian two's complement
                if (left < 1 || b[p] > 8) return "a pickled integer of an impossible size";
                const int width = b[p];
                argument = 1 + static_cast<std::size_t>(width);
                if (argument > left) return "a pickle cut short";
                uint64_t raw = width > 0 ? little(p + 1, width) : 0;
                if (width > 0 && width < 8 && (b[p + static_cast<std::size_t>(width)] & 0x80)) raw |= ~uint64_t{0} << (8 * width);
                push = pickleValue(Kind::Integer, {}, static_cast<int64_t>(raw));
                break;
            }
            case 'X': case 'B': case 'T': case 0x8c: case 'C': case 'U': case 0x8d: case 0x8e: {
                const int width = (op == 'X' || op == 'B' || op == 'T') ? 4 : (op == 0x8d || op == 0x8e) ? 8 : 1;
                if (left < static_cast<std::size_t>(width)) return "a pickled string cut short";
                const uint64_t length = little(p, width);
                if (length > left - static_cast<std::size_t>(width)) return "a pickled string longer than the pickle";
                argument = static_cast<std::size_t>(width) + static_cast<std::size_t>(length);
                const bool text = op == 'X' || op == 0x8c || op == 0x8d;  // BINUNICODE, SHORT_BINUNICODE, BINUNICODE8
                push = text && length <= 4096
                           ? pickleValue(Kind::Text, bytes.substr(p + static_cast<std::size_t>(width), static_cast<std::size_t>(length)))
                           : other;
                break;
            }
            case 'c': {                                           // GLOBAL: module\nname\n
                const std::size_t first = bytes.find('\n', p);
                const std::size_t second = first == std::string::npos ? first : bytes.find('\n', first + 1);
                if (second == std::string::npos || second - p > 512) return "a pickled global without its two lines";
                argument = second + 1 - p;
                push = pickleValue(Kind::Global, bytes.substr(p, first - p) + "." + bytes.substr(first + 1, second - first - 1));
                break;
            }
            case 'h': case 'j': {                                 // BINGET, LONG_BINGET
                const int width = op == 'h' ? 1 : 4;
                if (left < static_cast<std::size_t>(width) || little(p, width) >= memo.size()) return "a pickle reads a memo entry never written";
                argument = static_cast<std::size_t>(width);
                push = memo[static_cast<std::size_t>(little(p, width))];
                break;
            }
            case 'q': case 'r': case 0x94: {                      // BINPUT, LONG_BINPUT, MEMOIZE: the top item, kept
                const int width = op == 'q' ? 1 : op == 'r' ? 4 : 0;
                if (left < static_cast<std::size_t>(width)) return "a pickle cut short";
                const uint64_t id = width > 0 ? little(p, width) : memo.size();
                if (id > memo.size()) return "a pickle writes memo entry " + std::to_string(id) + " after " + std::to_string(memo.size());
                if (stack.size() - floor() < 1) return "a pickle takes more from its stack than it holds";
                if (id == memo.size()) memo.push_back(stack.back());
                else memo[static_cast<std::size_t>(id)] = stack.back();
                argument = static_cast<std::size_t>(width);
                break;
            }
            default:
                return "pickle opcode " + std::to_string(op) + " is not one LibTorch writes";
        }
        if (argument > left) return "a pickle cut short";
        p += argument;
        if (stack.size() - floor() < need) return "a pickle takes more from its stack than it holds";
        stack.resize(stack.size() - need);
        if (push) stack.push_back(push);
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
    std::map<std::string, uint64_t> recordBytes;
    for (const Entry& e : entries) recordBytes[e.name] = e.uncompressed;
    for (const Entry& e : entries)
        if (e.name.size() > 3 && e.name.compare(e.name.size() - 3, 3, "pkl") == 0) {
            // "archive/data.pkl"'s tensors are the records "archive/data/<key>"
            const std::string folder = e.name.substr(0, e.name.rfind('.')) + "/";
            const auto storage = [&](const std::string& key, uint64_t bytes) -> std::string {
                if (bytes == 0) return "";  // LibTorch reads no record for an empty storage
                const auto it = recordBytes.find(folder + key);
                if (it == recordBytes.end()) return "a tensor whose data is missing (" + folder + key + ")";
                if (it->second < bytes)
                    return "a tensor declaring " + std::to_string(bytes) + " bytes where its data (" + folder + key + ") holds " +
                           std::to_string(it->second);
                return "";
            };
            if (const std::string problem = checkPickle(archive.contents(e, archive.size() * 1032), storage); !problem.empty())
                archive.fail(e.name + ": " + problem);
        }
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
