// Where tests find their inputs: the repository's samples/ and the shared corpora
// (../shared/corpora next to the checkout, as in CI).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace pressarchive::testing {

inline std::filesystem::path source_dir() { return PRESSARCHIVE_SOURCE_DIR; }
inline std::filesystem::path samples_dir() { return source_dir() / "samples"; }
inline std::filesystem::path sample(const std::string& name) { return samples_dir() / name; }
inline std::filesystem::path corpora_dir() {
  if (const char* env = std::getenv("PRESSARCHIVE_CORPORA")) return env;
  return source_dir().parent_path() / "shared" / "corpora";
}
inline std::filesystem::path seed_text_path() {
  return source_dir().parent_path() / "shared" / "seed" / "press-release-2022-03-31.txt";
}
inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every file under `dir`, by its path relative to `dir`, with its bytes.
inline std::map<std::string, std::string> files_under(const std::filesystem::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file())
      out[std::filesystem::relative(e.path(), dir).string()] = read_file(e.path());
  return out;
}

// A fresh empty directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "pressarchive-test-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace pressarchive::testing
