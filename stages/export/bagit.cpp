#include "stages/export/bagit.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>

#include "pipeline/version.h"
#include "stages/ingest/discover.h"

namespace pressarchive {
namespace fs = std::filesystem;
namespace {

// Tag values are single lines: line breaks in a title would start a new tag.
std::string one_line(std::string value) {
  std::replace_if(
      value.begin(), value.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return value;
}

Status write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return make_error(Reason::kIo, path.string() + ": cannot write (disk full?)");
  return Status::Ok();
}

std::string manifest_of(const std::vector<PayloadFile>& files, const std::string& prefix) {
  std::vector<PayloadFile> sorted = files;
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
  std::string out;
  for (const PayloadFile& f : sorted) out += f.sha256 + "  " + prefix + f.path + "\n";
  return out;
}

}  // namespace

Status write_bag_tags(const fs::path& bag_dir, const std::vector<PayloadFile>& files,
                      const BagInfo& info) {
  std::uintmax_t bytes = 0;
  for (const PayloadFile& f : files) bytes += f.size;
  const std::string bagit = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
  std::string bag_info;
  if (!info.source_organization.empty())
    bag_info += "Source-Organization: " + one_line(info.source_organization) + "\n";
  if (!info.bagging_date.empty()) bag_info += "Bagging-Date: " + info.bagging_date + "\n";
  if (!info.external_identifier.empty())
    bag_info += "External-Identifier: " + one_line(info.external_identifier) + "\n";
  if (!info.external_description.empty())
    bag_info += "External-Description: " + one_line(info.external_description) + "\n";
  bag_info += std::string("Bag-Software-Agent: pressarchive ") + kVersion + "\n";
  bag_info += "Payload-Oxum: " + std::to_string(bytes) + "." + std::to_string(files.size()) + "\n";
  const std::string manifest = manifest_of(files, "data/");
  const std::vector<PayloadFile> tags = {
      {"bag-info.txt", sha256_bytes(bag_info), bag_info.size()},
      {"bagit.txt", sha256_bytes(bagit), bagit.size()},
      {"manifest-sha256.txt", sha256_bytes(manifest), manifest.size()}};
  for (const auto& [name, text] : {std::pair<const char*, const std::string&>{"bagit.txt", bagit},
                                   {"bag-info.txt", bag_info},
                                   {"manifest-sha256.txt", manifest}})
    if (Status s = write_text(bag_dir / name, text); !s.ok()) return s;
  return write_text(bag_dir / "tagmanifest-sha256.txt", manifest_of(tags, ""));
}

Status verify_bag(const fs::path& bag_dir) {
  std::error_code ec;
  if (!fs::is_regular_file(bag_dir / "bagit.txt", ec))
    return make_error(Reason::kUnreadable, "bagit.txt is missing");
  std::ifstream manifest(bag_dir / "manifest-sha256.txt");
  if (!manifest) return make_error(Reason::kUnreadable, "manifest-sha256.txt is missing");
  std::map<std::string, std::string> listed;
  std::string line;
  while (std::getline(manifest, line)) {
    const std::size_t gap = line.find("  ");
    if (gap == std::string::npos)
      return make_error(Reason::kUnreadable, "manifest line without a path: " + line);
    listed[line.substr(gap + 2)] = line.substr(0, gap);
  }
  std::uintmax_t bytes = 0, count = 0;
  for (auto it = fs::recursive_directory_iterator(bag_dir / "data", ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    const std::string relative = fs::relative(it->path(), bag_dir).generic_string();
    const auto entry = listed.find(relative);
    if (entry == listed.end())
      return make_error(Reason::kUnreadable, relative + " is not in the manifest");
    Result<std::string> sha = sha256_file(it->path());
    if (!sha.ok() || *sha != entry->second)
      return make_error(Reason::kUnreadable, relative + ": checksum differs");
    listed.erase(entry);
    bytes += it->file_size();
    ++count;
  }
  if (!listed.empty())
    return make_error(Reason::kUnreadable, listed.begin()->first + " is listed but missing");
  std::ifstream info(bag_dir / "bag-info.txt");
  const std::string oxum = "Payload-Oxum: " + std::to_string(bytes) + "." + std::to_string(count);
  bool oxum_right = false;
  while (std::getline(info, line)) oxum_right = oxum_right || line == oxum;
  if (!oxum_right)
    return make_error(Reason::kUnreadable, "Payload-Oxum differs from the payload (" + oxum + ")");
  return Status::Ok();
}

}  // namespace pressarchive
