#include "stages/engines/modules.h"

#include <dlfcn.h>

#include <system_error>

namespace pressarchive {
namespace {

std::filesystem::path program_folder() {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : self.parent_path();
}

}  // namespace

std::filesystem::path module_path(const std::string& file_name) {
  const std::filesystem::path program = program_folder();
  const std::filesystem::path beside = program / file_name;  // a copy of the program
  const std::filesystem::path installed =
      program / PRESSARCHIVE_MODULE_DIR_FROM_PROGRAM / file_name;
  std::error_code ec;
  if (std::filesystem::exists(beside, ec)) return beside;
  return installed.lexically_normal();
}

void* module_entry(const std::string& file_name, const char* entry, const std::string& what,
                   std::string& error) {
  const std::filesystem::path path = module_path(file_name);
  // dlopen counts references, so asking again for a loaded module returns it.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    error = "cannot load " + what + " " + path.string() + ": " + (why ? why : "unknown error");
    return nullptr;
  }
  void* address = dlsym(handle, entry);
  if (!address)
    error = what + " " + path.string() + " has no entry point " + entry + " (rebuild it)";
  return address;
}

}  // namespace pressarchive
