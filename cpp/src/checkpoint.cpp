// safetensors reading and writing, and saving / restoring session variables.
#include "slimcore/checkpoint.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <set>
#include <sstream>

namespace slimcore {

namespace {

const char* safetensors_dtype(DType d) {
  switch (d) {
    case DType::Float32: return "F32";
    case DType::Float64: return "F64";
    case DType::Int32: return "I32";
    case DType::Int64: return "I64";
    case DType::Bool: return "BOOL";
    case DType::Int8: return "I8";
    case DType::Int16: return "I16";
    case DType::UInt8: return "U8";
    case DType::UInt16: return "U16";
    case DType::Float16: return "F16";
    case DType::String: break;
  }
  throw InvalidArgument("a checkpoint cannot hold a tensor of dtype " + dtype_name(d) +
                        " (safetensors stores fixed-size numbers)");
}

DType dtype_from(const std::string& s, const std::string& path, const std::string& name) {
  if (s == "F32") return DType::Float32;
  if (s == "F64") return DType::Float64;
  if (s == "I32") return DType::Int32;
  if (s == "I64") return DType::Int64;
  if (s == "BOOL") return DType::Bool;
  throw InvalidArgument(path + ": tensor '" + name + "' has dtype " + s +
                        ", which slimcore does not read (F32, F64, I32, I64, BOOL)");
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// ---- the header, checked by the rules of the safetensors package ----
//
// What the safetensors package (its Rust crate, serde_json underneath)
// accepts, slimcore accepts, and what it refuses, slimcore refuses:
//  - an 8-byte little-endian length n <= 100,000,000 with 8 + n <= file size;
//  - those n bytes are UTF-8 holding one JSON value (RFC 8259: no trailing
//    comma, no leading zero, no control character in a string, no NaN, no
//    lone surrogate), at most 127 containers deep (serde_json's limit);
//  - the value is an object: "__metadata__" -> null or {string: string};
//    every other key -> a tensor {"dtype", "shape": [uint, ...],
//    "data_offsets": [begin, end]} (serde also takes the three as an array);
//    other fields of a tensor entry are skipped;
//  - entries sorted by data_offsets tile the data region exactly: the first
//    begins at 0, each begins where the previous ends, the last ends at the
//    end of the file; end - begin = numel * bits(dtype) / 8, a whole number.
// slimcore is stricter in one respect: a name (a tensor or a metadata key)
// given twice is refused, where safetensors silently keeps the last one.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;  // safetensors' MAX_HEADER_SIZE
constexpr int kMaxDepth = 127;                     // serde_json's recursion limit

// The dtypes of the safetensors format and their sizes in bits.
int safetensors_dtype_bits(const std::string& dtype) {
  static const std::map<std::string, int> kBits = {
      {"BOOL", 8},    {"F4", 4},      {"F6_E2M3", 6}, {"F6_E3M2", 6},     {"U8", 8},   {"I8", 8},
      {"F8_E5M2", 8}, {"F8_E4M3", 8}, {"F8_E8M0", 8}, {"F8_E4M3FNUZ", 8}, {"I16", 16}, {"U16", 16},
      {"F16", 16},    {"BF16", 16},   {"I32", 32},    {"U32", 32},        {"F32", 32}, {"C64", 64},
      {"F64", 64},    {"I64", 64},    {"U64", 64},    {"F8_E5M2FNUZ", 8},
  };
  auto it = kBits.find(dtype);
  return it == kBits.end() ? 0 : it->second;
}

struct HeaderEntry {
  std::string name;
  std::string dtype;
  std::vector<uint64_t> shape;
  uint64_t begin = 0, end = 0;
};

struct Header {
  std::vector<HeaderEntry> entries;  // in the header's order
  std::map<std::string, std::string> metadata;
};

std::string dims_string(const std::vector<uint64_t>& dims) {
  std::string out = "[";
  for (std::size_t i = 0; i < dims.size(); ++i) out += (i ? ", " : "") + std::to_string(dims[i]);
  return out + "]";
}

std::string printable(const std::string& name) {
  std::string out;
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// Byte position of the first invalid UTF-8 sequence of `s` (overlong forms,
// surrogates and code points past U+10FFFF are invalid), or npos.
std::size_t invalid_utf8_at(const std::string& s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len = 0;
    uint32_t cp = 0, min = 0;
    if ((c & 0xE0) == 0xC0) len = 2, cp = c & 0x1F, min = 0x80;
    else if ((c & 0xF0) == 0xE0) len = 3, cp = c & 0x0F, min = 0x800;
    else if ((c & 0xF8) == 0xF0) len = 4, cp = c & 0x07, min = 0x10000;
    else return i;
    if (i + len > n) return i;
    for (int k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::string::npos;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Reads the header JSON into a Header, following only the schema above:
// values it does not need (unknown fields of a tensor entry) are checked for
// syntax and skipped, never stored, so memory stays proportional to the
// tensors. Recursion is bounded by kMaxDepth.
class HeaderParser {
 public:
  HeaderParser(const std::string& text, const std::string& path) : s_(text), path_(path) {}

  Header parse() {
    const std::size_t bad = invalid_utf8_at(s_);
    if (bad != std::string::npos) {
      i_ = bad;
      fail("the header is not valid UTF-8");
    }
    Header header;
    std::set<std::string> names;
    bool seen_metadata = false;
    skip_ws();
    if (i_ >= s_.size() || s_[i_] != '{') fail("the header is not a JSON object");
    members([&](const std::string& key) {
      if (key == "__metadata__") {
        if (seen_metadata) fail("'__metadata__' appears twice");
        seen_metadata = true;
        metadata(header.metadata);
      } else {
        if (!names.insert(key).second) fail("tensor '" + printable(key) + "' appears twice");
        header.entries.push_back(entry(key));
      }
    });
    skip_ws();
    if (i_ != s_.size()) fail("trailing characters after the header's JSON object");
    return header;
  }

 private:
  [[noreturn]] void fail(const std::string& what) {
    throw DataLoss(path_ + ": not a valid safetensors file: " + what + " (header byte " + std::to_string(i_) + ")");
  }
  void skip_ws() {  // JSON's four whitespace characters, no others
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  char peek() {
    skip_ws();
    if (i_ >= s_.size()) fail("unexpected end of the header");
    return s_[i_];
  }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++i_;
  }
  void enter() {
    if (++depth_ > kMaxDepth) fail("JSON nested deeper than " + std::to_string(kMaxDepth) + " levels");
  }
  void leave() { --depth_; }

  // Calls `on_key(key)` for each member of an object; `on_key` reads the value.
  template <class F>
  void members(F&& on_key) {
    expect('{');
    enter();
    if (peek() == '}') {
      ++i_;
      leave();
      return;
    }
    for (;;) {
      if (peek() != '"') fail("expected a string key");
      const std::string key = string();
      expect(':');
      on_key(key);
      if (peek() == ',') {
        ++i_;
        if (peek() == '}') fail("trailing comma");
        continue;
      }
      expect('}');
      leave();
      return;
    }
  }
  // Calls `on_element(index)` for each element of an array.
  template <class F>
  void elements(F&& on_element) {
    expect('[');
    enter();
    if (peek() == ']') {
      ++i_;
      leave();
      return;
    }
    for (std::size_t k = 0;; ++k) {
      on_element(k);
      if (peek() == ',') {
        ++i_;
        if (peek() == ']') fail("trailing comma");
        continue;
      }
      expect(']');
      leave();
      return;
    }
  }

  void metadata(std::map<std::string, std::string>& out) {
    if (literal("null")) return;
    if (peek() != '{') fail("'__metadata__' must be an object of strings (or null)");
    members([&](const std::string& key) {
      if (peek() != '"') fail("'__metadata__' value of '" + printable(key) + "' is not a string");
      if (!out.emplace(key, string()).second) fail("'__metadata__' key '" + printable(key) + "' appears twice");
    });
  }

  HeaderEntry entry(const std::string& name) {
    HeaderEntry e;
    e.name = name;
    const std::string what = "tensor '" + printable(name) + "'";
    bool has_dtype = false, has_shape = false, has_offsets = false;
    auto read_field = [&](int field) {
      if (field == 0) {
        if (peek() != '"') fail(what + ": dtype is not a string");
        e.dtype = string();
        if (safetensors_dtype_bits(e.dtype) == 0) fail(what + ": unknown dtype '" + printable(e.dtype) + "'");
        has_dtype = true;
      } else if (field == 1) {
        if (peek() != '[') fail(what + ": shape is not an array of non-negative integers");
        elements([&](std::size_t) { e.shape.push_back(uint(what + ": shape")); });
        has_shape = true;
      } else {
        if (peek() != '[') fail(what + ": data_offsets is not an array [begin, end]");
        std::vector<uint64_t> offsets;
        elements([&](std::size_t) { offsets.push_back(uint(what + ": data_offsets")); });
        if (offsets.size() != 2) fail(what + ": data_offsets must hold 2 integers [begin, end]");
        e.begin = offsets[0];
        e.end = offsets[1];
        has_offsets = true;
      }
    };
    const char c = peek();
    if (c == '{') {
      members([&](const std::string& key) {
        const int field = key == "dtype" ? 0 : key == "shape" ? 1 : key == "data_offsets" ? 2 : -1;
        if (field < 0) return skip_value();
        bool& seen = field == 0 ? has_dtype : field == 1 ? has_shape : has_offsets;
        if (seen) fail(what + ": field '" + key + "' appears twice");
        read_field(field);
      });
    } else if (c == '[') {  // serde reads a struct from a sequence of its fields too
      elements([&](std::size_t k) {
        if (k > 2) fail(what + ": more than 3 fields [dtype, shape, data_offsets]");
        read_field(static_cast<int>(k));
      });
    } else {
      fail(what + " is not an object {\"dtype\", \"shape\", \"data_offsets\"}");
    }
    if (!has_dtype) fail(what + " lacks 'dtype'");
    if (!has_shape) fail(what + " lacks 'shape'");
    if (!has_offsets) fail(what + " lacks 'data_offsets'");
    return e;
  }

  bool literal(const char* word) {
    const std::size_t n = std::strlen(word);
    if (peek() != word[0]) return false;
    if (s_.compare(i_, n, word) != 0) fail("invalid literal");
    i_ += n;
    return true;
  }

  // A JSON number; returns true when it is a plain non-negative integer
  // (serde reads "-0", "1.0" and "1e0" as floats) and sets `digits`.
  bool number(std::string* digits) {
    const std::size_t start = i_;
    bool integer = true;
    if (s_[i_] == '-') ++i_, integer = false;
    auto digit = [&] { return i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9'; };
    if (!digit()) fail("invalid number");
    if (s_[i_] == '0') {
      ++i_;
      if (digit()) fail("invalid number (leading zero)");
    } else {
      while (digit()) ++i_;
    }
    const std::size_t int_end = i_;
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_, integer = false;
      if (!digit()) fail("invalid number");
      while (digit()) ++i_;
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_, integer = false;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (!digit()) fail("invalid number");
      while (digit()) ++i_;
    }
    if (digits) *digits = s_.substr(start, int_end - start);
    return integer;
  }

  uint64_t uint(const std::string& what) {
    const char c = peek();
    if (c != '-' && (c < '0' || c > '9')) fail(what + " holds a value that is not a non-negative integer");
    std::string digits;
    if (!number(&digits)) fail(what + " holds a number that is not a non-negative integer");
    uint64_t v = 0;
    for (char d : digits) {
      if (__builtin_mul_overflow(v, uint64_t{10}, &v) || __builtin_add_overflow(v, uint64_t(d - '0'), &v))
        fail(what + " holds an integer above 2^64 - 1");
    }
    return v;
  }

  std::string string() {
    expect('"');
    std::string out;
    for (;;) {
      if (i_ >= s_.size()) fail("unterminated string");
      const auto c = static_cast<unsigned char>(s_[i_++]);
      if (c == '"') return out;
      if (c < 0x20) {
        --i_;
        fail("control character in a string (JSON needs it escaped)");
      }
      if (c != '\\') {
        out += static_cast<char>(c);
        continue;
      }
      if (i_ >= s_.size()) fail("unterminated string");
      const char e = s_[i_++];
      switch (e) {
        case '"':
        case '\\':
        case '/': out += e; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t cp = hex4();
          if (cp >= 0xDC00 && cp <= 0xDFFF) fail("lone low surrogate in a \\u escape");
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (s_.compare(i_, 2, "\\u") != 0) fail("lone high surrogate in a \\u escape");
            i_ += 2;
            const uint32_t low = hex4();
            if (low < 0xDC00 || low > 0xDFFF) fail("lone high surrogate in a \\u escape");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          append_utf8(out, cp);
          break;
        }
        default: fail("invalid escape in a string");
      }
    }
  }
  uint32_t hex4() {
    if (i_ + 4 > s_.size()) fail("invalid \\u escape");
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      const char h = s_[i_++];
      v <<= 4;
      if (h >= '0' && h <= '9') v |= h - '0';
      else if (h >= 'a' && h <= 'f') v |= h - 'a' + 10;
      else if (h >= 'A' && h <= 'F') v |= h - 'A' + 10;
      else fail("invalid \\u escape");
    }
    return v;
  }

  // Checks the syntax of any JSON value and steps over it.
  void skip_value() {
    const char c = peek();
    if (c == '{') {
      members([&](const std::string&) { skip_value(); });
    } else if (c == '[') {
      elements([&](std::size_t) { skip_value(); });
    } else if (c == '"') {
      string();
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      number(nullptr);
    } else if (!literal("true") && !literal("false") && !literal("null")) {
      fail("expected a JSON value");
    }
  }

  const std::string& s_;
  const std::string& path_;
  std::size_t i_ = 0;
  int depth_ = 0;
};

// Checks that the entries tile the data region of `data_size` bytes exactly
// and that each byte range is its dtype x shape.
void check_layout(const Header& header, uint64_t data_size, const std::string& path) {
  auto bad = [&](const std::string& what) { return DataLoss(path + ": not a valid safetensors file: " + what); };
  std::vector<const HeaderEntry*> sorted;
  for (const HeaderEntry& e : header.entries) sorted.push_back(&e);
  std::stable_sort(sorted.begin(), sorted.end(), [](const HeaderEntry* a, const HeaderEntry* b) {
    return std::make_pair(a->begin, a->end) < std::make_pair(b->begin, b->end);
  });
  uint64_t next = 0;
  for (const HeaderEntry* e : sorted) {
    const std::string what = "tensor '" + printable(e->name) + "' (" + e->dtype + " " + dims_string(e->shape) +
                             ", data_offsets [" + std::to_string(e->begin) + ", " + std::to_string(e->end) + "])";
    if (e->end < e->begin) throw bad(what + ": its data ends before it begins");
    if (e->begin != next)
      throw bad(what + (e->begin > next ? ": a gap before it" : ": overlaps the previous tensor") +
                " (the data must tile the buffer; expected it to begin at " + std::to_string(next) + ")");
    next = e->end;
    uint64_t bits = static_cast<uint64_t>(safetensors_dtype_bits(e->dtype));
    for (uint64_t d : e->shape)
      if (__builtin_mul_overflow(bits, d, &bits)) throw bad(what + ": its size overflows 64 bits");
    if (bits % 8 != 0) throw bad(what + ": not a whole number of bytes");
    if (bits / 8 != e->end - e->begin)
      throw bad(what + ": needs " + std::to_string(bits / 8) + " bytes, its data_offsets hold " +
                std::to_string(e->end - e->begin));
  }
  if (next < data_size)
    throw bad(std::to_string(data_size - next) + " bytes after the last tensor belong to no tensor");
  if (next > data_size)
    throw bad("the tensors need " + std::to_string(next) + " bytes of data, the file holds " +
              std::to_string(data_size) + " (truncated?)");
}

// pread until `n` bytes are read; false at the end of the file.
bool read_at(int fd, void* data, std::size_t n, uint64_t offset) {
  char* p = static_cast<char*>(data);
  while (n > 0) {
    const ssize_t r = ::pread(fd, p, n, static_cast<off_t>(offset));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
    offset += static_cast<uint64_t>(r);
  }
  return true;
}

void write_all(int fd, const void* data, std::size_t n, const std::string& path) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      throw Error("writing " + path + ": " + std::strerror(errno));
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
}

}  // namespace

void save_safetensors(const std::string& path, const NamedTensors& tensors,
                      const std::map<std::string, std::string>& metadata) {
  std::set<std::string> seen;
  std::ostringstream header;
  header << "{";
  std::size_t offset = 0;
  bool first = true;
  if (!metadata.empty()) {
    header << "\"__metadata__\":{";
    bool first_meta = true;
    for (const auto& [k, v] : metadata) {
      header << (first_meta ? "" : ",") << json_string(k) << ":" << json_string(v);
      first_meta = false;
    }
    header << "}";
    first = false;
  }
  for (const auto& [name, t] : tensors) {
    if (name.empty() || name == "__metadata__")
      throw InvalidArgument("checkpoint tensor names must be non-empty and not '__metadata__'");
    if (!seen.insert(name).second) throw InvalidArgument("duplicate checkpoint tensor name '" + name + "'");
    header << (first ? "" : ",") << json_string(name) << ":{\"dtype\":\"" << safetensors_dtype(t.dtype())
           << "\",\"shape\":[";
    for (int d = 0; d < t.rank(); ++d) header << (d ? "," : "") << t.dim(d);
    header << "],\"data_offsets\":[" << offset << "," << offset + t.nbytes() << "]}";
    offset += t.nbytes();
    first = false;
  }
  header << "}";
  std::string text = header.str();
  while (text.size() % 8 != 0) text += ' ';  // buffers start 8-byte aligned

  // "<path>.tmp-<pid>-<n>": unique to this save, and recognisable, so that a
  // later save can remove what a killed one left (train/saver.py).
  static std::atomic<uint64_t> saves{0};
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(saves++);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw Error("cannot write checkpoint " + path + ": " + std::strerror(errno));
  try {
    uint64_t n = text.size();
    unsigned char len[8];
    for (int b = 0; b < 8; ++b) len[b] = static_cast<unsigned char>(n >> (8 * b));
    write_all(fd, len, 8, path);
    write_all(fd, text.data(), text.size(), path);
    for (const auto& [name, t] : tensors) write_all(fd, t.raw(), t.nbytes(), path);
    if (::fsync(fd) != 0) throw Error("flushing " + path + ": " + std::strerror(errno));
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  ::close(fd);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    throw Error("cannot rename checkpoint into " + path + ": " + why);
  }
}

NamedTensors load_safetensors(const std::string& path, std::map<std::string, std::string>* metadata) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw NotFound("checkpoint file " + path + " does not exist or cannot be read: " + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st{};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) throw NotFound("checkpoint " + path + " is not a regular file");
  const auto file_size = static_cast<uint64_t>(st.st_size);
  auto bad = [&](const std::string& what) { return DataLoss(path + ": not a valid safetensors file: " + what); };

  unsigned char len[8];
  if (file_size < 8 || !read_at(fd, len, 8, 0))
    throw bad("the file has " + std::to_string(file_size) + " bytes, fewer than its 8-byte header length");
  uint64_t header_size = 0;
  for (int b = 7; b >= 0; --b) header_size = (header_size << 8) | len[b];
  if (header_size > kMaxHeaderBytes)
    throw bad("header length " + std::to_string(header_size) + " exceeds safetensors' limit of " +
              std::to_string(kMaxHeaderBytes) + " bytes");
  if (header_size > file_size - 8)
    throw bad("header length " + std::to_string(header_size) + " exceeds the " + std::to_string(file_size - 8) +
              " bytes after it (truncated?)");
  std::string text(header_size, '\0');
  if (!read_at(fd, text.data(), header_size, 8)) throw bad("the header could not be read (truncated?)");
  const Header header = HeaderParser(text, path).parse();
  const uint64_t data_start = 8 + header_size;
  check_layout(header, file_size - data_start, path);

  // The file is a valid safetensors file; now what slimcore can hold.
  std::vector<std::pair<DType, Shape>> specs;
  for (const HeaderEntry& e : header.entries) {
    Shape shape;
    for (uint64_t d : e.shape) {
      if (d > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        throw InvalidArgument(path + ": tensor '" + printable(e.name) + "' has dimension " + std::to_string(d) +
                              ", above what slimcore holds (2^63 - 1)");
      shape.push_back(static_cast<int64_t>(d));
    }
    specs.emplace_back(dtype_from(e.dtype, path, printable(e.name)), std::move(shape));
  }
  NamedTensors out;
  for (std::size_t k = 0; k < header.entries.size(); ++k) {
    const HeaderEntry& e = header.entries[k];
    Tensor t(specs[k].first, specs[k].second);
    if (!read_at(fd, t.raw(), t.nbytes(), data_start + e.begin))
      throw bad("tensor '" + printable(e.name) + "' could not be read (the file shrank while being read?)");
    out.emplace_back(e.name, std::move(t));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  if (metadata) *metadata = header.metadata;
  return out;
}

void save_variables(Session& session, const std::string& path, const std::vector<int>& nodes,
                    const std::vector<std::string>& names, const std::map<std::string, std::string>& metadata) {
  if (nodes.size() != names.size()) throw InvalidArgument("save_variables: one name per variable");
  NamedTensors tensors;
  for (std::size_t i = 0; i < nodes.size(); ++i) tensors.emplace_back(names[i], session.variables().value(nodes[i]));
  save_safetensors(path, tensors, metadata);
}

void restore_variables(Session& session, const std::string& path, const std::vector<int>& nodes,
                       const std::vector<std::string>& names, const MetadataCheck& check_metadata) {
  if (nodes.size() != names.size()) throw InvalidArgument("restore_variables: one name per variable");
  std::map<std::string, std::string> metadata;
  NamedTensors tensors = load_safetensors(path, &metadata);
  std::map<std::string, const Tensor*> by_name;
  for (const auto& [name, t] : tensors) by_name[name] = &t;
  // Check everything before assigning anything: a failed restore changes nothing.
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    auto it = by_name.find(names[i]);
    if (it == by_name.end()) throw NotFound("Key " + names[i] + " not found in checkpoint " + path);
    const TensorSpec& spec = session.graph().node(nodes[i]).outputs[0];
    if (it->second->dtype() != spec.dtype || it->second->shape() != spec.shape)
      throw InvalidArgument("checkpoint " + path + ": '" + names[i] + "' is " + dtype_name(it->second->dtype()) + " " +
                            shape_string(it->second->shape()) + ", the variable is " + dtype_name(spec.dtype) + " " +
                            shape_string(spec.shape));
  }
  if (check_metadata) check_metadata(metadata);
  for (std::size_t i = 0; i < nodes.size(); ++i) session.variables().assign(nodes[i], *by_name.at(names[i]));
}

}  // namespace slimcore
