#include "stages/engines/modules.h"

#include <dlfcn.h>

#include <system_error>

namespace pressarchive {

std::filesystem::path module_path(const std::string& file_name) {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec && std::filesystem::exists(self.parent_path() / file_name, ec)) return self.parent_path() / file_name;
  return std::filesystem::path(PRESSARCHIVE_MODULE_DIR) / file_name;
}

void* module_entry(const std::string& file_name, const char* entry, const std::string& what, std::string& error) {
  // A program built with the module's code inside (the fuzz targets) exports its entry.
  if (void* linked_in = dlsym(RTLD_DEFAULT, entry)) return linked_in;
  const std::filesystem::path path = module_path(file_name);
  // dlopen counts references, so asking again for a loaded module returns it.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    error = "cannot load " + what + " " + path.string() + ": " + (why ? why : "unknown error");
    return nullptr;
  }
  void* address = dlsym(handle, entry);
  if (!address) error = what + " " + path.string() + " has no entry point " + entry + " (rebuild it)";
  return address;
}

}  // namespace pressarchive
