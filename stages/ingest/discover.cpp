#include "stages/ingest/discover.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <memory>
#include <set>
#include <stdexcept>
#include <system_error>

namespace pressarchive {
namespace fs = std::filesystem;

namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::string read_head(const fs::path& path, std::size_t n) {
  std::ifstream in(path, std::ios::binary);
  std::string head(n, '\0');
  in.read(head.data(), static_cast<std::streamsize>(n));
  head.resize(static_cast<std::size_t>(in.gcount()));
  return head;
}

Failure discover_failure(const fs::path& path, Reason reason, const std::string& message) {
  Failure f;
  f.source_path = path.string();
  f.stage = "discover";
  f.reason = reason;
  f.message = message;
  return f;
}

bool is_hidden(const fs::path& p) {
  const std::string name = p.filename().string();
  return !name.empty() && name[0] == '.';
}

}  // namespace

SourceFormat sniff_format(std::string_view head) {
  using namespace std::literals;
  if (starts_with(head, "\x89PNG\r\n\x1a\n"sv)) return SourceFormat::kPng;
  if (starts_with(head, "\xff\xd8\xff"sv)) return SourceFormat::kJpeg;
  if (starts_with(head, "II*\0"sv) || starts_with(head, "MM\0*"sv)) return SourceFormat::kTiff;
  if (starts_with(head, "GIF87a") || starts_with(head, "GIF89a")) return SourceFormat::kGif;
  if (starts_with(head, "BM") && head.size() >= 14) return SourceFormat::kBmp;
  if (head.size() >= 12 && starts_with(head, "RIFF") && head.substr(8, 4) == "WEBP")
    return SourceFormat::kWebp;
  if (starts_with(head, "\0\0\0\x0cjP  "sv) || starts_with(head, "\xff\x4f\xff\x51"sv))
    return SourceFormat::kJp2;
  if (head.size() >= 2 && head[0] == 'P' && head[1] >= '1' && head[1] <= '6')
    return SourceFormat::kPnm;
  if (head.substr(0, 1024).find("%PDF-") != std::string_view::npos) return SourceFormat::kPdf;
  return SourceFormat::kUnknown;
}

namespace {

using DigestContext = std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)>;

DigestContext sha256_context() {
  DigestContext ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (ctx && EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) ctx.reset();
  return ctx;
}

std::string hex_digest(EVP_MD_CTX* ctx) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest;
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, digest.data(), &len);
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  hex.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 15]);
  }
  return hex;
}

}  // namespace

Result<std::string> sha256_file(const fs::path& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return make_error(Reason::kIo, path.string() + ": cannot open for reading");
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> closer(file, &std::fclose);
  DigestContext ctx = sha256_context();
  if (!ctx) return make_error(Reason::kInternal, "OpenSSL SHA-256 unavailable");
  std::array<char, 1 << 16> buffer;
  std::size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), file)) > 0)
    EVP_DigestUpdate(ctx.get(), buffer.data(), n);
  if (std::ferror(file)) return make_error(Reason::kIo, path.string() + ": read error");
  return hex_digest(ctx.get());
}

std::string sha256_bytes(std::string_view bytes) {
  DigestContext ctx = sha256_context();
  if (!ctx) throw std::runtime_error("OpenSSL SHA-256 unavailable");
  EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size());
  return hex_digest(ctx.get());
}

Discovery discover_sources(const std::vector<fs::path>& roots) {
  Discovery out;
  std::set<fs::path> files;
  for (const fs::path& root : roots) {
    std::error_code ec;
    const fs::file_status st = fs::status(root, ec);
    if (ec || !fs::exists(st)) {
      out.unreadable.push_back(
          discover_failure(root, Reason::kIo, root.string() + ": no such file or directory"));
      continue;
    }
    if (fs::is_regular_file(st)) {
      files.insert(root);
      continue;
    }
    if (!fs::is_directory(st)) {
      out.unreadable.push_back(discover_failure(
          root, Reason::kUnsupported, root.string() + ": not a regular file or directory"));
      continue;
    }
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (is_hidden(it->path())) {
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(ec)) files.insert(it->path());
    }
    if (ec)
      out.unreadable.push_back(discover_failure(
          root, Reason::kIo, root.string() + ": cannot walk folder: " + ec.message()));
  }

  for (const fs::path& path : files) {
    Source source;
    source.path = path;
    std::error_code ec;
    source.size = fs::file_size(path, ec);
    Result<std::string> hash = sha256_file(path);
    if (ec || !hash.ok()) {
      out.unreadable.push_back(
          discover_failure(path, Reason::kIo,
                           hash.ok() ? path.string() + ": " + ec.message() : hash.error().message));
      continue;
    }
    source.sha256 = std::move(hash.value());
    source.format = sniff_format(read_head(path, 1024));
    out.sources.push_back(std::move(source));
  }
  return out;
}

}  // namespace pressarchive
