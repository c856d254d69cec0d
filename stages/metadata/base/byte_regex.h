// Regular expressions over the bytes of UTF-8 text, on RE2: linear time and no recursion,
// so no line, however hostile, takes seconds or overflows the stack (std::regex did both),
// and no locale is consulted while matching, so any number of threads may match at once.
#pragma once

#include <memory>
#include <string>

namespace re2 {
class RE2;
}

namespace pressarchive {

// `pattern` compiled in RE2's Latin-1 mode, so a character class or "." stands for one
// byte as it did for std::regex: UTF-8 in the pattern matches the same bytes in the text,
// and a stray byte of broken UTF-8 is one more character. RE2 syntax (no lookaround, no
// back-references; "\b" and "\d" are ASCII). Null, with the reason in `error`, when RE2
// cannot read the pattern. Matching through the result is thread-safe.
std::shared_ptr<const re2::RE2> compile_byte_regex(const std::string& pattern,
                                                   std::string* error = nullptr);

}  // namespace pressarchive
