// Errors are values across stage boundaries (STYLE.md item 7): every stage returns a
// Result<T> or a Status, and the pipeline maps the error's reason to what it does
// (failure record, retry, or a loud internal error).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace pressarchive {

// The fixed reason categories an archivist filters failures by. Stable: they are
// stored in the archive and printed in exports.
enum class Reason {
  kUnreadable,   // damaged, truncated or not what it claims to be
  kEncrypted,    // a password is needed and none (or a wrong one) was given
  kUnsupported,  // a format or feature pressarchive does not handle
  kTooLarge,     // exceeds a configured limit (pixels, pages, bytes)
  kTimeout,      // a deadline passed (OCR per page)
  kNoText,       // nothing readable came out of the document
  kIo,           // the file system refused (permissions, vanished file, full disk)
  kInternal,     // a bug in pressarchive or an engine: report it
};

const char* reason_name(Reason reason);
std::optional<Reason> reason_from_name(const std::string& name);

struct Error {
  Reason reason = Reason::kInternal;
  std::string message;  // names the file and says what went wrong
};

// Either a value or an Error. Deliberately tiny: value() on an error is a bug.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  // By value from a temporary, so that `for (x : f().value())` owns what it iterates.
  T value() && { return std::move(std::get<T>(state_)); }
  T& operator*() & { return value(); }
  T operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const Error& error() const { return std::get<Error>(state_); }

 private:
  std::variant<T, Error> state_;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT
  static Status Ok() { return Status(); }
  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return *error_; }

 private:
  std::optional<Error> error_;
};

inline Error make_error(Reason reason, std::string message) {
  return Error{reason, std::move(message)};
}

}  // namespace pressarchive
