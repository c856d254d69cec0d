// The one way a command says what went wrong: "pressarchive: " and the message on the error
// stream, and for what stopped it the exit code a cron job acts on (pipeline/exit_codes.h).
//
//   if (!store.ok()) return report_store_error(err, store.error());
//   return report_error(err, exit_code::kUsage, "--since ", since, ": not a date");
#pragma once

#include <ostream>

#include "pipeline/exit_codes.h"
#include "stages/core/result.h"

namespace pressarchive {

// Writes "pressarchive: " and `parts` (streamed one after another) and a line end on
// `err`: a problem the command goes on after.
template <typename... Parts>
void report(std::ostream& err, const Parts&... parts) {
  err << "pressarchive: ";
  (err << ... << parts);
  err << '\n';
}

// The same for a problem that ends the command; returns `code`.
template <typename... Parts>
int report_error(std::ostream& err, int code, const Parts&... parts) {
  report(err, parts...);
  return code;
}

// An archive that could not be opened, read or written: its message, exit code 4.
inline int report_store_error(std::ostream& err, const Error& error) {
  return report_error(err, exit_code::kStoreError, error.message);
}

}  // namespace pressarchive
