// HTML for the archivist's web page, written as C++ functions: escaping, the marks around
// search hits, and the frame every screen shares. Every value that reaches a page goes
// through escape(): titles and OCR text are hostile input (a scanned page can read
// `<script>`), and so are paths and error messages.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pressarchive::web {

// `text` safe as HTML element content and as a quoted attribute value: & < > " ' are
// replaced by entities, bytes that are not UTF-8 by U+FFFD, control characters (other
// than tab and newline) dropped.
std::string escape(std::string_view text);

// A snippet whose hits lie between kHitStart and kHitEnd (stages/store/archive_store.h),
// escaped, with each hit in <mark>. Marks are closed even when the markers are not
// balanced.
std::string mark_hits(std::string_view snippet);

// `text` escaped, with each word that equals one of `words` (lowercase, as text_util's
// words()) in <mark>.
std::string mark_words(std::string_view text, const std::vector<std::string>& words);

// Percent-encoding of one query-string value (RFC 3986 unreserved bytes stay).
std::string url_encode(std::string_view value);
// A query string from name=value pairs, values encoded, empty values left out.
std::string query_string(const std::vector<std::pair<std::string, std::string>>& params);

// The screens, for the navigation bar.
enum class Screen { kSearch, kRecord, kFailures, kReview, kBoilerplate, kRuns, kOther };

// A whole page: head (inline style, no external resources), navigation, `body` (HTML
// already escaped by its maker) and the read-only notice when `read_only`.
std::string page(Screen screen, std::string_view title, std::string_view body, bool read_only);

}  // namespace pressarchive::web
