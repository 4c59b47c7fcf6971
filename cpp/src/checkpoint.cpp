// safetensors reading and writing, and saving / restoring session variables.
#include "slimcore/checkpoint.h"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
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
  }
  return "";
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

// ---- a small JSON reader for the header: objects, strings, integer arrays ----
struct Json {
  enum Kind { kObject, kArray, kString, kNumber } kind = kString;
  std::map<std::string, Json> object;
  std::vector<Json> array;
  std::string string;
  int64_t number = 0;
};

class Parser {
 public:
  Parser(const std::string& text, const std::string& path) : s_(text), path_(path) {}
  Json parse() {
    Json v = value();
    skip();
    if (i_ != s_.size()) fail("trailing characters after the header");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& what) {
    throw InvalidArgument(path_ + ": not a valid safetensors file: " + what + " (header byte " + std::to_string(i_) +
                          ")");
  }
  void skip() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  char peek() {
    skip();
    if (i_ >= s_.size()) fail("unexpected end of header");
    return s_[i_];
  }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++i_;
  }
  Json value() {
    const char c = peek();
    if (c == '{') return object();
    if (c == '[') return array();
    if (c == '"') {
      Json v;
      v.kind = Json::kString;
      v.string = string();
      return v;
    }
    if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) return number();
    fail("unexpected character");
  }
  Json object() {
    Json v;
    v.kind = Json::kObject;
    expect('{');
    if (peek() == '}') {
      ++i_;
      return v;
    }
    for (;;) {
      std::string key = string();
      expect(':');
      if (v.object.count(key)) fail("duplicate key '" + key + "'");
      v.object[key] = value();
      if (peek() == ',') {
        ++i_;
        continue;
      }
      expect('}');
      return v;
    }
  }
  Json array() {
    Json v;
    v.kind = Json::kArray;
    expect('[');
    if (peek() == ']') {
      ++i_;
      return v;
    }
    for (;;) {
      v.array.push_back(value());
      if (peek() == ',') {
        ++i_;
        continue;
      }
      expect(']');
      return v;
    }
  }
  Json number() {
    Json v;
    v.kind = Json::kNumber;
    std::size_t start = i_;
    if (s_[i_] == '-') ++i_;
    while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
    if (i_ < s_.size() && (s_[i_] == '.' || s_[i_] == 'e' || s_[i_] == 'E')) fail("non-integer number");
    try {
      v.number = std::stoll(s_.substr(start, i_ - start));
    } catch (const std::exception&) {
      fail("number out of range");
    }
    return v;
  }
  std::string string() {
    expect('"');
    std::string out;
    while (i_ < s_.size() && s_[i_] != '"') {
      char c = s_[i_++];
      if (c == '\\') {
        if (i_ >= s_.size()) fail("bad escape");
        const char e = s_[i_++];
        switch (e) {
          case '"':
          case '\\':
          case '/': out += e; break;
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 'r': out += '\r'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'u': {
            if (i_ + 4 > s_.size()) fail("bad \\u escape");
            const unsigned code = static_cast<unsigned>(std::stoul(s_.substr(i_, 4), nullptr, 16));
            i_ += 4;
            if (code < 0x80) {
              out += static_cast<char>(code);
            } else if (code < 0x800) {
              out += static_cast<char>(0xC0 | (code >> 6));
              out += static_cast<char>(0x80 | (code & 0x3F));
            } else {
              out += static_cast<char>(0xE0 | (code >> 12));
              out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
              out += static_cast<char>(0x80 | (code & 0x3F));
            }
            break;
          }
          default: fail("bad escape");
        }
      } else {
        out += c;
      }
    }
    expect('"');
    return out;
  }
  const std::string& s_;
  const std::string& path_;
  std::size_t i_ = 0;
};

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

  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
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
  std::ifstream in(path, std::ios::binary);
  if (!in) throw NotFound("checkpoint file " + path + " does not exist or cannot be read");
  in.seekg(0, std::ios::end);
  const auto file_size = static_cast<uint64_t>(in.tellg());
  in.seekg(0);
  auto bad = [&](const std::string& what) { return InvalidArgument(path + ": not a valid safetensors file: " + what); };
  if (file_size < 8) throw bad("shorter than its 8-byte header length");
  unsigned char len[8];
  in.read(reinterpret_cast<char*>(len), 8);
  uint64_t header_size = 0;
  for (int b = 7; b >= 0; --b) header_size = (header_size << 8) | len[b];
  if (header_size > file_size - 8 || header_size > (100u << 20))
    throw bad("header length " + std::to_string(header_size) + " exceeds the file");
  std::string text(header_size, '\0');
  in.read(&text[0], static_cast<std::streamsize>(header_size));
  const Json header = Parser(text, path).parse();
  if (header.kind != Json::kObject) throw bad("the header is not a JSON object");
  const uint64_t data_size = file_size - 8 - header_size;

  NamedTensors out;
  for (const auto& [name, entry] : header.object) {
    if (name == "__metadata__") {
      if (metadata)
        for (const auto& [k, v] : entry.object)
          if (v.kind == Json::kString) (*metadata)[k] = v.string;
      continue;
    }
    if (entry.kind != Json::kObject || !entry.object.count("dtype") || !entry.object.count("shape") ||
        !entry.object.count("data_offsets"))
      throw bad("entry '" + name + "' lacks dtype, shape or data_offsets");
    const DType dtype = dtype_from(entry.object.at("dtype").string, path, name);
    Shape shape;
    for (const Json& d : entry.object.at("shape").array) {
      if (d.kind != Json::kNumber || d.number < 0) throw bad("entry '" + name + "' has a bad shape");
      shape.push_back(d.number);
    }
    const auto& offsets = entry.object.at("data_offsets").array;
    if (offsets.size() != 2 || offsets[0].number < 0 || offsets[1].number < offsets[0].number ||
        static_cast<uint64_t>(offsets[1].number) > data_size)
      throw bad("entry '" + name + "' has data_offsets outside the file (truncated?)");
    Tensor t(dtype, shape);
    if (static_cast<int64_t>(t.nbytes()) != offsets[1].number - offsets[0].number)
      throw bad("entry '" + name + "': shape " + shape_string(shape) + " and dtype do not match its " +
                std::to_string(offsets[1].number - offsets[0].number) + " bytes");
    in.seekg(static_cast<std::streamoff>(8 + header_size + static_cast<uint64_t>(offsets[0].number)));
    in.read(static_cast<char*>(t.raw()), static_cast<std::streamsize>(t.nbytes()));
    if (!in) throw bad("entry '" + name + "' could not be read (truncated?)");
    out.emplace_back(name, std::move(t));
  }
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
                       const std::vector<std::string>& names) {
  if (nodes.size() != names.size()) throw InvalidArgument("restore_variables: one name per variable");
  NamedTensors tensors = load_safetensors(path);
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
  for (std::size_t i = 0; i < nodes.size(); ++i) session.variables().assign(nodes[i], *by_name.at(names[i]));
}

}  // namespace slimcore
