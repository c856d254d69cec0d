#include "stages/modules.h"

#include <dlfcn.h>

#include <system_error>

namespace pressarchive {

std::filesystem::path module_path(const std::string& file_name) {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec && std::filesystem::exists(self.parent_path() / file_name, ec)) return self.parent_path() / file_name;
  return std::filesystem::path(PRESSARCHIVE_MODULE_DIR) / file_name;
}

ModuleEntry load_module(const std::string& file_name, const char* entry, const std::string& what) {
  ModuleEntry loaded;
  using Entry = const void* (*)();
  // A program built with the module's code inside (the fuzz targets) exports its entry.
  if (const auto linked_in = reinterpret_cast<Entry>(dlsym(RTLD_DEFAULT, entry))) {
    loaded.table = linked_in();
    return loaded;
  }
  const std::filesystem::path path = module_path(file_name);
  // dlopen counts references, so asking again for a loaded module returns it.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    loaded.error = "cannot load " + what + " " + path.string() + ": " + (why ? why : "unknown error");
    return loaded;
  }
  const auto call = reinterpret_cast<Entry>(dlsym(handle, entry));
  loaded.table = call ? call() : nullptr;
  if (!loaded.table) loaded.error = what + " " + path.string() + " has no entry point " + entry + " (rebuild it)";
  return loaded;
}

}  // namespace pressarchive
