// Near-duplicate placement at scale (issue #19): the time to place one new record into an
// archive that already holds N records (10^6 by default), through the store's own band
// lookup and the placement ingest's store stage runs (stages/store/placement.h), on SQLite or
// PostgreSQL.
//
// The archive is synthetic but signed like a real one: generated press releases (a Zipf
// vocabulary, issuers of skewed size whose bodies keep some of the issuer's own closing
// sentences, as bodies do when learned boilerplate has not caught them), each signed with
// the program's MinHash and band keys. About one release in eight comes in 2-4 forms (a
// born-digital text and scans with 0.5-3.5 % OCR-like character errors, linked as one
// cluster), one in fifty has a re-issue. Then Q new records are placed, half new copies of
// archived releases (they must join their cluster), half new releases (they must not be
// linked), and archived through the store, so each placement sees the ones before.
//
// The archive is bulk loaded into the tables the store writes and placement reads
// (records, near_dup_signatures, near_dup_bands): SQLite through its C API in one
// transaction, PostgreSQL with psql's \copy; archive_record, one transaction per record,
// would take hours at this size. The loaded records have no pages and no full-text
// index entries (placement reads neither), but they carry their whole text, which
// placement verifies candidates by. The new records are archived through the store.
//
//   placement_bench [--records N] [--queries Q] [--store LOCATION] [--reuse] [--smoke]
//
// LOCATION is an SQLite file (default: a temporary one) or a postgresql:// URI of an
// empty database. --reuse measures an archive this program filled before with the same N.
// Target (issue #19): placement p95 <= 50 ms per record.
// Exits 3 when placement itself is wrong (under 90 % of the copies linked to their
// cluster, or a new release linked as a copy), 0 otherwise: the time is reported, not judged.
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "stages/near_dup/near_duplicates.h"
#include "stages/near_dup/signature_v2.h"
#include "stages/store/archive_store.h"
#include "stages/store/placement.h"
#include "stages/store/postgres/pg_store.h"

namespace {

using namespace pressarchive;
using Clock = std::chrono::steady_clock;

constexpr std::uint64_t kSeed = 0x706c6163656d656eull;

std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// --- the generated archive ---------------------------------------------------------

struct Vocabulary {
  std::vector<std::string> words;
  std::discrete_distribution<int> zipf;
};

Vocabulary make_vocabulary() {
  static const char* syllables[] = {
      "ber",  "ga",   "stadt", "rat",  "haus", "markt", "lin",   "kom",  "mu",   "nal",
      "ver",  "kehr", "schul", "bau",  "amt",  "land",  "kreis", "bür",  "ger",  "wahl",
      "plan", "tag",  "ord",   "nung", "för",  "der",   "mit",   "tel",  "fest", "park",
      "see",  "wald", "e",     "in",   "an",   "zu",    "ung",   "heit", "lich", "sam"};
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> pick(0, static_cast<int>(std::size(syllables)) - 1);
  std::uniform_int_distribution<int> length(1, 4);
  Vocabulary v;
  std::vector<double> weights;
  for (int i = 0; i < 20000; ++i) {
    std::string w;
    for (int n = length(rng); n > 0; --n) w += syllables[pick(rng)];
    v.words.push_back(w);
    weights.push_back(1.0 / (i + 1));
  }
  v.zipf = std::discrete_distribution<int>(weights.begin(), weights.end());
  return v;
}

std::string sentence(std::mt19937_64& rng, Vocabulary& v) {
  std::string s;
  for (int n = std::uniform_int_distribution<int>(8, 18)(rng); n > 0; --n) {
    if (!s.empty()) s += ' ';
    s += v.words[v.zipf(rng)];
  }
  s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s + ".";
}

constexpr int kIssuers = 300;

// Each issuer's own closing sentences: what bodies share within one issuer.
const std::vector<std::string>& house_sentences(int issuer, Vocabulary& v) {
  static std::vector<std::vector<std::string>> all(kIssuers);
  if (all[issuer].empty()) {
    std::mt19937_64 rng(mix(kSeed ^ 0x686f757365ull ^ issuer));
    for (int i = 0; i < 3; ++i) all[issuer].push_back(sentence(rng, v));
  }
  return all[issuer];
}

// How release `r` appears in the archive; cheap, so --reuse can lay the archive out again.
struct ReleaseShape {
  int copies = 1;         // forms of the same release
  bool reissued = false;  // plus one revision
};

ReleaseShape shape_of(std::int64_t release) {
  const std::uint64_t h = mix(kSeed ^ static_cast<std::uint64_t>(release));
  ReleaseShape s;
  if (h % 8 == 0) s.copies = 2 + static_cast<int>((h >> 8) % 3);
  s.reissued = (h >> 16) % 50 == 0;
  return s;
}

struct Release {
  int issuer = 0;
  std::string date;
  std::vector<std::string> sentences;
};

Release make_release(std::int64_t release, Vocabulary& v) {
  std::mt19937_64 rng(mix(kSeed ^ 0x72656cull ^ static_cast<std::uint64_t>(release) * 31));
  Release r;
  // Issuers of skewed size: the largest hold a few percent of the archive each.
  r.issuer = static_cast<int>(std::min<double>(
      kIssuers - 1,
      std::exp(std::uniform_real_distribution<double>(0, std::log(kIssuers))(rng)) - 1));
  char date[16];
  std::snprintf(date, sizeof date, "%04d-%02d-%02d",
                std::uniform_int_distribution<int>(1995, 2026)(rng),
                std::uniform_int_distribution<int>(1, 12)(rng),
                std::uniform_int_distribution<int>(1, 28)(rng));
  r.date = date;
  for (int n = std::uniform_int_distribution<int>(6, 14)(rng); n > 0; --n)
    r.sentences.push_back(sentence(rng, v));
  if (rng() % 2 == 0)
    for (const std::string& s : house_sentences(r.issuer, v)) r.sentences.push_back(s);
  return r;
}

// A re-issue: a later date and one sentence rewritten.
Release reissue_of(Release r, std::int64_t release, Vocabulary& v) {
  std::mt19937_64 rng(mix(kSeed ^ 0x726576ull ^ static_cast<std::uint64_t>(release)));
  r.sentences[rng() % r.sentences.size()] = sentence(rng, v);
  r.date[9] = r.date[9] == '9' ? '0' : static_cast<char>(r.date[9] + 1);
  return r;
}

std::string body_of(const Release& r) {
  std::string body;
  for (std::size_t i = 0; i < r.sentences.size(); ++i)
    body += r.sentences[i] + (i % 4 == 3 ? "\n" : " ");
  return body;
}

// OCR-like errors at `rate` per character: confusable letters, lost umlauts, split and
// merged words.
std::string scanned(const std::string& text, double rate, std::mt19937_64& rng) {
  static const char* confusions[][2] = {{"e", "c"}, {"m", "rn"}, {"l", "1"}, {"i", "l"}, {"o", "0"},
                                        {"n", "u"}, {"ü", "u"},  {"h", "b"}, {"a", "o"}, {" ", ""}};
  std::uniform_real_distribution<double> roll(0, 1);
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    bool replaced = false;
    if (roll(rng) < rate) {
      for (const auto& c : confusions) {
        const std::string from = c[0];
        if (text.compare(i, from.size(), from) == 0) {
          out += c[1];
          i += from.size();
          replaced = true;
          break;
        }
      }
      if (!replaced && std::isalpha(static_cast<unsigned char>(text[i]))) {
        out += static_cast<char>('a' + rng() % 26);
        ++i;
        replaced = true;
      }
    }
    if (!replaced) out += text[i++];
  }
  return out;
}

struct Signed {
  Record record;
  BodyProfile profile;
};

Signed sign(const std::string& body, const std::string& date, RecordKind kind, std::int64_t serial,
            const NearDuplicateOptions& options, const MinHash& minhash) {
  Signed s;
  Record& r = s.record;
  char sha[65];
  std::snprintf(sha, sizeof sha, "%016" PRIx64 "%016" PRIx64 "%016" PRIx64 "%016" PRIx64,
                mix(serial), mix(serial ^ 1), mix(serial ^ 2), mix(serial ^ 3));
  r.sha256 = sha;
  r.source_paths = {"/synthetic/" + std::to_string(serial) + ".pdf"};
  r.source_size = body.size();
  r.format = SourceFormat::kPdf;
  r.kind = kind;
  if (kind != RecordKind::kBornDigital)
    r.ocr_confidence = 80 + static_cast<double>(mix(serial) % 150) / 10;
  PageResult page;
  page.number = 1;
  page.method = kind == RecordKind::kBornDigital ? PageMethod::kTextLayer : PageMethod::kOcr;
  page.text = body;
  page.confidence = r.ocr_confidence;
  r.pages.push_back(page);
  r.text = body;
  r.metadata.body = body;
  r.metadata.release_date = date;
  std::size_t title_end = std::min<std::size_t>(60, body.find('.'));
  while (title_end < body.size() && (static_cast<unsigned char>(body[title_end]) & 0xC0) == 0x80)
    ++title_end;
  r.metadata.title = body.substr(0, title_end);  // whole UTF-8 characters
  // As the graph signs a record (pipeline/describe.cpp): version 2, of the whole text.
  s.profile = profile_record_v2(body, date, options);
  const SignatureV2 signature = sign_v2(s.profile, minhash, options);
  r.signature = signature.bytes;
  r.band_keys = signature.band_keys;
  r.signature_scheme = kSignatureSchemeV2;
  return s;
}

// The records of the archive in id order (1, 2, ...), release by release: its forms (the
// first one canonical), then its re-issue. `visit(signed, release, first_id)`.
template <typename Visit>
void for_each_archived(std::int64_t records, Vocabulary& v, const NearDuplicateOptions& options,
                       const MinHash& minhash, Visit&& visit) {
  std::int64_t id = 0;
  for (std::int64_t release = 0; id < records; ++release) {
    const ReleaseShape shape = shape_of(release);
    const Release r = make_release(release, v);
    const std::string body = body_of(r);
    std::mt19937_64 rng(mix(kSeed ^ 0x636f7079ull ^ static_cast<std::uint64_t>(release)));
    const std::int64_t first = id + 1;
    for (int c = 0; c < shape.copies && id < records; ++c) {
      const bool born = c == 0 && rng() % 2 == 0;
      const double rate = 0.005 + 0.03 * std::uniform_real_distribution<double>(0, 1)(rng);
      Signed s =
          sign(born ? body : scanned(body, rate, rng), r.date,
               born ? RecordKind::kBornDigital : RecordKind::kScanned, ++id, options, minhash);
      if (c > 0) {
        s.record.duplicate_of = first;
        s.record.duplicate_score = 0.8;
      }
      visit(s, release, first);
    }
    if (shape.reissued && id < records) {
      Signed s = sign(body_of(reissue_of(r, release, v)), reissue_of(r, release, v).date,
                      RecordKind::kBornDigital, ++id, options, minhash);
      s.record.revision_of = first;
      s.record.revision_score = 0.9;
      visit(s, release, first);
    }
  }
}

// --- loading ----------------------------------------------------------------------

void progress(std::int64_t done, std::int64_t total, Clock::time_point start) {
  if (done % 100000 != 0 && done != total) return;
  std::fprintf(stderr, "  %" PRId64 " / %" PRId64 " records, %.0f s\n", done, total,
               std::chrono::duration<double>(Clock::now() - start).count());
}

// COPY's text format: backslash, tab and line ends escaped.
std::string copy_text(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\t')
      out += "\\t";
    else if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else
      out += c;
  }
  return out;
}

template <typename T>
std::string copy_optional(const std::optional<T>& v) {
  return v ? std::to_string(*v) : "\\N";
}

std::string copy_hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out = "\\\\x";
  for (unsigned char b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

bool psql(const std::string& uri, const std::string& command) {
  const std::string line =
      "psql '" + uri + "' -q -v ON_ERROR_STOP=1 -c \"" + command + "\" >/dev/null";
  return std::system(line.c_str()) == 0;
}

std::string psql_value(const std::string& uri, const std::string& query) {
  const std::string line = "psql '" + uri + "' -Atc \"" + query + "\"";
  std::string out;
  if (FILE* p = popen(line.c_str(), "r")) {
    char buffer[256];
    while (std::fgets(buffer, sizeof buffer, p)) out += buffer;
    pclose(p);
  }
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

// Runs `sql` on `db`, or says why not.
bool exec(sqlite3* db, const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK) return true;
  std::cerr << "placement_bench: " << (message ? message : "sqlite error") << "\n";
  sqlite3_free(message);
  return false;
}

// The same tables the store writes (records, near_dup_signatures, near_dup_bands), bulk
// loaded in one transaction on a second connection: archive_record, a transaction per
// record, fills about 250 records/s on this machine, over an hour for 10^6. Bands are
// inserted in key order and their by-record index is built afterwards.
bool load_sqlite(const std::string& file, std::int64_t records, Vocabulary& v,
                 const NearDuplicateOptions& options, const MinHash& minhash, std::int64_t& bands) {
  sqlite3* db = nullptr;
  if (sqlite3_open(file.c_str(), &db) != SQLITE_OK) {
    std::cerr << "placement_bench: cannot open " << file << "\n";
    sqlite3_close(db);
    return false;
  }
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> owner(db, sqlite3_close);
  if (!exec(db, "PRAGMA synchronous=OFF; PRAGMA cache_size=-262144; BEGIN")) return false;
  sqlite3_stmt* record = nullptr;
  sqlite3_stmt* signature = nullptr;
  sqlite3_prepare_v2(
      db,
      "INSERT INTO records(id, sha256, size, format, kind, page_count, title, release_date, body, "
      "ocr_confidence, duplicate_of, duplicate_score, revision_of, revision_score, text, status, "
      "created_at) "
      "VALUES (?, ?, ?, 'pdf', ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'archived', "
      "'2026-12-01T00:00:00Z')",
      -1, &record, nullptr);
  sqlite3_prepare_v2(
      db, "INSERT INTO near_dup_signatures(record_id, scheme, signature) VALUES (?, 2, ?)", -1,
      &signature, nullptr);
  const auto bind_optional = [](sqlite3_stmt* q, int i, auto value) {
    if (value)
      sqlite3_bind_double(q, i, static_cast<double>(*value));
    else
      sqlite3_bind_null(q, i);
  };
  std::vector<std::pair<std::int64_t, std::int64_t>> band_rows;
  const auto start = Clock::now();
  std::int64_t id = 0;
  bool ok = true;
  for_each_archived(records, v, options, minhash, [&](const Signed& s, std::int64_t, std::int64_t) {
    const Record& r = s.record;
    ++id;
    sqlite3_bind_int64(record, 1, id);
    sqlite3_bind_text(record, 2, r.sha256.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(record, 3, static_cast<std::int64_t>(r.source_size));
    sqlite3_bind_text(record, 4, record_kind_name(r.kind), -1, SQLITE_STATIC);
    sqlite3_bind_text(record, 5, r.metadata.title.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(record, 6, r.metadata.release_date.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(record, 7, r.metadata.body.c_str(), -1, SQLITE_TRANSIENT);
    bind_optional(record, 8, r.ocr_confidence);
    if (r.duplicate_of)
      sqlite3_bind_int64(record, 9, *r.duplicate_of);
    else
      sqlite3_bind_null(record, 9);
    bind_optional(record, 10, r.duplicate_score);
    if (r.revision_of)
      sqlite3_bind_int64(record, 11, *r.revision_of);
    else
      sqlite3_bind_null(record, 11);
    bind_optional(record, 12, r.revision_score);
    // The whole text: what placement verifies a candidate by (signature version 2).
    sqlite3_bind_text(record, 13, r.text.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(signature, 1, id);
    sqlite3_bind_blob(signature, 2, r.signature.data(), static_cast<int>(r.signature.size()),
                      SQLITE_TRANSIENT);
    ok = ok && sqlite3_step(record) == SQLITE_DONE && sqlite3_step(signature) == SQLITE_DONE;
    sqlite3_reset(record);
    sqlite3_reset(signature);
    for (std::uint64_t key : r.band_keys)
      band_rows.emplace_back(static_cast<std::int64_t>(key), id);
    progress(id, records, start);
  });
  sqlite3_finalize(record);
  sqlite3_finalize(signature);
  if (!ok) {
    std::cerr << "placement_bench: " << sqlite3_errmsg(db) << "\n";
    return false;
  }
  std::sort(band_rows.begin(), band_rows.end());
  band_rows.erase(std::unique(band_rows.begin(), band_rows.end()), band_rows.end());
  bands = static_cast<std::int64_t>(band_rows.size());
  if (!exec(db, "DROP INDEX near_dup_bands_by_record")) return false;
  sqlite3_stmt* band = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO near_dup_bands(band_key, record_id) VALUES (?, ?)", -1, &band,
                     nullptr);
  for (const auto& [key, record_id] : band_rows) {
    sqlite3_bind_int64(band, 1, key);
    sqlite3_bind_int64(band, 2, record_id);
    ok = ok && sqlite3_step(band) == SQLITE_DONE;
    sqlite3_reset(band);
  }
  sqlite3_finalize(band);
  return ok && exec(db,
                    "CREATE INDEX near_dup_bands_by_record ON near_dup_bands(record_id); COMMIT; "
                    "ANALYZE; PRAGMA wal_checkpoint(TRUNCATE)");
}

// The same tables bulk loaded with psql's \copy: bands sorted by key, so the primary key
// is built in order.
bool load_by_copy(const std::string& uri, std::int64_t records, Vocabulary& v,
                  const NearDuplicateOptions& options, const MinHash& minhash,
                  const std::filesystem::path& dir, std::int64_t& bands) {
  const std::filesystem::path records_file = dir / "records.tsv",
                              signatures_file = dir / "signatures.tsv",
                              bands_file = dir / "bands.tsv";
  std::vector<std::pair<std::int64_t, std::int64_t>> band_rows;
  {
    std::ofstream r(records_file), s(signatures_file);
    const auto start = Clock::now();
    std::int64_t id = 0;
    for_each_archived(
        records, v, options, minhash, [&](const Signed& signed_record, std::int64_t, std::int64_t) {
          const Record& rec = signed_record.record;
          ++id;
          r << id << '\t' << rec.sha256 << '\t' << rec.source_size << "\tpdf\t"
            << record_kind_name(rec.kind) << "\t1\t" << copy_text(rec.metadata.title) << '\t'
            << rec.metadata.release_date << '\t' << copy_text(rec.metadata.body) << '\t'
            << copy_optional(rec.ocr_confidence) << '\t' << copy_optional(rec.duplicate_of) << '\t'
            << copy_optional(rec.duplicate_score) << '\t' << copy_optional(rec.revision_of) << '\t'
            << copy_optional(rec.revision_score) << '\t' << copy_text(rec.text)
            << "\tarchived\t2026-12-01T00:00:00Z\n";
          s << id << "\t2\t" << copy_hex(rec.signature) << '\n';
          for (std::uint64_t key : rec.band_keys)
            band_rows.emplace_back(static_cast<std::int64_t>(key), id);
          progress(id, records, start);
        });
  }
  std::sort(band_rows.begin(), band_rows.end());
  band_rows.erase(std::unique(band_rows.begin(), band_rows.end()), band_rows.end());
  bands = static_cast<std::int64_t>(band_rows.size());
  {
    std::ofstream b(bands_file);
    for (const auto& [key, id] : band_rows) b << key << '\t' << id << '\n';
  }
  band_rows = {};
  std::fprintf(stderr, "  copying into PostgreSQL\n");
  return psql(uri,
              "\\copy records(id, sha256, size, format, kind, page_count, title, release_date, "
              "body, "
              "ocr_confidence, duplicate_of, duplicate_score, revision_of, revision_score, text, "
              "status, created_at) from '" +
                  records_file.string() + "'") &&
         psql(uri, "\\copy near_dup_signatures(record_id, scheme, signature) from '" +
                       signatures_file.string() + "'") &&
         psql(uri, "DROP INDEX near_dup_bands_by_record") &&
         psql(uri,
              "\\copy near_dup_bands(band_key, record_id) from '" + bands_file.string() + "'") &&
         psql(uri, "CREATE INDEX near_dup_bands_by_record ON near_dup_bands(record_id)") &&
         psql(uri, "SELECT setval('records_id_seq', (SELECT max(id) FROM records))") &&
         psql(uri, "ANALYZE");
}

// --- measuring --------------------------------------------------------------------

double percentile(std::vector<double> ms, double p) {
  if (ms.empty()) return 0;
  std::sort(ms.begin(), ms.end());
  return ms[static_cast<std::size_t>(p * static_cast<double>(ms.size() - 1))];
}

std::uintmax_t bytes_on_disk(const std::string& location) {
  if (is_postgresql_location(location))
    return std::strtoull(
        psql_value(location, "SELECT pg_database_size(current_database())").c_str(), nullptr, 10);
  std::uintmax_t bytes = 0;
  for (const char* suffix : {"", "-wal"}) {
    std::error_code ec;
    const std::uintmax_t size = std::filesystem::file_size(location + suffix, ec);
    if (!ec) bytes += size;
  }
  return bytes;
}

struct Placed {
  std::vector<double> place_ms, archive_ms, lookup_ms;
  std::int64_t copies = 0, copies_linked = 0, new_releases = 0, new_linked = 0, new_revisions = 0,
               candidates = 0, bands = 0;
};

// Half new copies of archived releases, half new releases, each placed and archived.
Placed place_new_records(ArchiveStore& store, std::int64_t records, std::int64_t queries,
                         Vocabulary& v, const NearDuplicateOptions& options,
                         const MinHash& minhash) {
  // Where each archived release's cluster starts (its canonical record).
  std::vector<std::int64_t> canonical;
  std::int64_t id = 0;
  for (std::int64_t release = 0; id < records; ++release) {
    const ReleaseShape shape = shape_of(release);
    canonical.push_back(id + 1);
    id += shape.copies + (shape.reissued ? 1 : 0);
  }
  const auto releases = static_cast<std::int64_t>(canonical.size());
  const std::int64_t run =
      store.begin_run({"placement_bench", "placement_bench", "", "{}"}).value();
  // Records of this run's own (releases, noise, content hashes), so that a --reuse run
  // places new records, not those an earlier run archived.
  const std::int64_t salt = static_cast<std::int64_t>(std::random_device()() % 1000000) * 1000000;
  std::mt19937_64 rng(kSeed ^ 0x717565727973ull ^ static_cast<std::uint64_t>(salt));
  Placed out;
  for (std::int64_t q = 0; q < queries; ++q) {
    const bool copy = q % 2 == 0;
    // A copy of release r; a new release beyond the archived ones (its id unused there).
    const std::int64_t release =
        copy ? static_cast<std::int64_t>(rng() % canonical.size()) : releases + salt + q;
    const Release r = make_release(release, v);
    Signed s =
        sign(scanned(body_of(r), 0.005 + 0.03 * static_cast<double>(rng() % 1000) / 1000, rng),
             r.date, RecordKind::kScanned, records + 1000000000000 + salt + q, options, minhash);
    const auto t0 = Clock::now();
    std::unique_ptr<PlacementLock> lock = store.lock_placement(s.record.band_keys);
    const ClusterDecision d =
        place_near_duplicate(store, s.profile, s.record.band_keys, s.record, options);
    const auto t1 = Clock::now();
    Result<std::int64_t> archived = store.archive_record(s.record, run);
    lock.reset();
    const auto t2 = Clock::now();
    if (!archived.ok()) {
      std::cerr << "placement_bench: " << archived.error().message << "\n";
      break;
    }
    out.place_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    out.archive_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
    out.bands += static_cast<std::int64_t>(s.record.band_keys.size());
    const std::optional<std::int64_t> cluster = d.duplicate_of ? d.duplicate_of : d.takes_over_from;
    if (copy) {
      ++out.copies;
      if (cluster == canonical[release]) ++out.copies_linked;
    } else {
      ++out.new_releases;
      if (cluster) ++out.new_linked;
      if (d.revision_of) ++out.new_revisions;
    }
    const auto t3 = Clock::now();
    Result<std::vector<NearDuplicateCandidate>> found =
        store.near_duplicate_candidates(s.record.band_keys, kMaxPlacementCandidates);
    out.lookup_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t3).count());
    if (found.ok()) out.candidates += static_cast<std::int64_t>(found->size()) - 1;  // itself
  }
  return out;
}

int usage() {
  std::cerr << "usage: placement_bench [--records N] [--queries Q] [--store LOCATION] [--reuse] "
               "[--smoke]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::int64_t records = 1000000, queries = 1000;
  std::string location;
  bool reuse = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--smoke") {
      records = 5000;
      queries = 100;
    } else if (arg == "--reuse") {
      reuse = true;
    } else if (arg == "--records" && i + 1 < argc) {
      records = std::atoll(argv[++i]);
    } else if (arg == "--queries" && i + 1 < argc) {
      queries = std::atoll(argv[++i]);
    } else if (arg == "--store" && i + 1 < argc) {
      location = argv[++i];
    } else {
      return usage();
    }
  }
  if (records <= 0 || queries <= 0) return usage();
  const bool postgres = is_postgresql_location(location);
  const std::filesystem::path work =
      std::filesystem::temp_directory_path() / ("placement_bench." + std::to_string(getpid()));
  std::filesystem::create_directories(work);
  if (location.empty()) location = (work / "archive.db").string();

  const NearDuplicateOptions options;
  const MinHash minhash(options.num_perm);
  Vocabulary vocabulary = make_vocabulary();
  Result<std::unique_ptr<ArchiveStore>> store = open_store(location);
  if (!store.ok()) {
    std::cerr << "placement_bench: " << store.error().message << "\n";
    return 1;
  }
  const auto fill_start = Clock::now();
  std::int64_t bands = 0;
  if (!reuse) {
    std::fprintf(stderr, "placement_bench: filling %s with %" PRId64 " records\n",
                 postgres ? "PostgreSQL" : "SQLite", records);
    const bool loaded =
        postgres ? load_by_copy(location, records, vocabulary, options, minhash, work, bands)
                 : load_sqlite(location, records, vocabulary, options, minhash, bands);
    if (!loaded) return 1;
  }
  const double fill_seconds = std::chrono::duration<double>(Clock::now() - fill_start).count();
  std::filesystem::remove_all(work / "records.tsv");

  const Placed placed = place_new_records(**store, records, queries, vocabulary, options, minhash);
  Result<StoreStatus> status = (*store)->status();
  const std::int64_t archived = status.ok() ? status->records : -1;
  if (reuse)
    bands = -1;  // not counted again
  else
    bands += placed.bands;
  const double mean_candidates =
      placed.place_ms.empty()
          ? 0
          : static_cast<double>(placed.candidates) / static_cast<double>(placed.place_ms.size());
  std::printf("placement (%s, %" PRId64 " records, %" PRId64
              " band keys, %.0f MB on disk; filled in %.0f s)\n",
              postgres ? "PostgreSQL" : "SQLite", archived, bands,
              static_cast<double>(bytes_on_disk(location)) / 1e6, fill_seconds);
  std::printf(
      "  place one record   p50 %6.2f ms   p95 %6.2f ms   max %6.2f ms   (%zu records, %.1f "
      "candidates each)\n",
      percentile(placed.place_ms, 0.5), percentile(placed.place_ms, 0.95),
      percentile(placed.place_ms, 1.0), placed.place_ms.size(), mean_candidates);
  std::printf(
      "  band query alone   p50 %6.2f ms   p95 %6.2f ms   (the store's lookup, asked again "
      "after)\n",
      percentile(placed.lookup_ms, 0.5), percentile(placed.lookup_ms, 0.95));
  std::printf("  archive it         p50 %6.2f ms   p95 %6.2f ms\n",
              percentile(placed.archive_ms, 0.5), percentile(placed.archive_ms, 0.95));
  std::printf("  copies linked to their cluster %" PRId64 " / %" PRId64
              "; new releases linked as a copy %" PRId64 " / %" PRId64 ", as a revision %" PRId64
              "\n",
              placed.copies_linked, placed.copies, placed.new_linked, placed.new_releases,
              placed.new_revisions);
  store->reset();
  std::filesystem::remove_all(work);  // the temporary archive, or the files \copy read
  const bool met = percentile(placed.place_ms, 0.95) <= 50;
  std::printf("  target p95 <= 50 ms: %s\n", met ? "met" : "missed");
  // A fast placement that links nothing measures nothing: copies must find their cluster
  // (a few may miss at high OCR noise) and no new release may be called a copy.
  if (placed.copies_linked * 10 < placed.copies * 9 || placed.new_linked > 0) {
    std::fprintf(stderr, "placement_bench: placement is wrong (see the line above)\n");
    return 3;
  }
  return 0;
}
