// pressarchive's one module: Tesseract, built as a shared object and loaded by the first
// OCR engine, so that OMP_THREAD_LIMIT is set before OpenMP is loaded with it (see
// stages/engines/CMakeLists.txt).
#pragma once

#include <filesystem>
#include <string>

namespace pressarchive {

// Where module `file_name` is looked for: beside the program (a copy of it), else in the
// module folder relative to the program (bin/../lib/pressarchive: installed by
// cmake --install, and the same in the build tree).
std::filesystem::path module_path(const std::string& file_name);

// The address of entry point `entry` of module `file_name`, which is loaded once per
// process and never unloaded (the objects it makes live there); null, with `error`
// naming the file, when it cannot be loaded. `what` names the module in messages ("the
// OCR module").
void* module_entry(const std::string& file_name, const char* entry, const std::string& what,
                   std::string& error);

// A module's table, or why it cannot be used: the message names the file and ends with
// `advice` ("rebuild pressarchive, or install ...").
template <typename Table>
struct CheckedModule {
  const Table* table = nullptr;
  std::string error;
};

// Calls the entry point, a `const Table* entry()` with C linkage, through its own type,
// and keeps the table if its abi is this build's.
template <typename Table>
CheckedModule<Table> load_checked_module(const std::string& file_name, const char* entry,
                                         const std::string& what, int abi,
                                         const std::string& advice) {
  CheckedModule<Table> loaded;
  void* address = module_entry(file_name, entry, what, loaded.error);
  if (!address) {
    loaded.error += " (" + advice + ")";
    return loaded;
  }
  using Entry = const Table* (*)();
  const Table* table = reinterpret_cast<Entry>(address)();
  if (!table || table->abi != abi)
    loaded.error = what + " " + module_path(file_name).string() +
                   " does not belong to this pressarchive (rebuild it)";
  else
    loaded.table = table;
  return loaded;
}

}  // namespace pressarchive
