// pressarchive's own modules: parts of the program built as shared objects and loaded
// when first needed, so that a run which never needs them never maps their libraries
// (Tesseract and OpenMP; qpdf, PostgreSQL's client and their TLS and Kerberos stacks).
// Every start of the program paid for those before: 63 libraries at start-up, 40 now.
#pragma once

#include <filesystem>
#include <string>

namespace pressarchive {

// Where module `file_name` is looked for: next to the program (an installed or copied
// build), else in the directory this build put it in.
std::filesystem::path module_path(const std::string& file_name);

struct ModuleEntry {
  const void* table = nullptr;  // what the entry point returned; null on failure
  std::string error;            // why not, naming the file
};

// Loads module `file_name` (once per process, never unloaded: the objects it makes
// live there) and calls its entry point `entry`, which returns the module's table.
// `what` names the module in messages ("the OCR module").
ModuleEntry load_module(const std::string& file_name, const char* entry, const std::string& what);

}  // namespace pressarchive
