// Exit codes a cron job can act on. Stable; documented in the README and asserted by
// tests. (Modelled on OCRmyPDF's: distinct codes for "bad usage", "some inputs failed"
// and "could not run at all".)
#pragma once

namespace pressarchive::exit_code {

inline constexpr int kOk = 0;     // every input archived, linked or already there
inline constexpr int kUsage = 2;  // bad command line or configuration
inline constexpr int kCompletedWithFailures =
    3;                                        // the batch ran; some inputs failed (see `failed`)
inline constexpr int kStoreError = 4;         // the archive cannot be opened or written
inline constexpr int kMissingDependency = 5;  // e.g. a Tesseract language model is not installed
inline constexpr int kNotFound = 6;           // show/search: no such record
inline constexpr int kInternal = 10;          // a bug: please report it with the log
inline constexpr int kInterrupted = 130;  // stopped by SIGINT (143: SIGTERM) after a clean commit

}  // namespace pressarchive::exit_code
