// The flow graph under failure injection: sources that fail to open, pages that fail,
// throw or carry bad UTF-8. Every document must come out exactly once, pages in order.
// Runs under ThreadSanitizer in CI.
#include "pipeline/graph.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <new>
#include <set>
#include <stdexcept>
#include <string>

#include "../text_pdf.h"
#include "stages/ingest/discover.h"
#include "stages/metadata/base/rules.h"

namespace pressarchive {
namespace {

// A source whose pages are text layers "doc D page P", except the scripted failures.
class FakeSource : public LoadedSource {
 public:
  FakeSource(int doc, int pages, std::atomic<int>* concurrent, std::atomic<int>* peak)
      : doc_(doc), pages_(pages), concurrent_(concurrent), peak_(peak) {}
  int page_count() const override { return pages_; }
  Result<PageContent> page(int index) override {
    const int now = ++*concurrent_;
    int seen = peak_->load();
    while (now > seen && !peak_->compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    --*concurrent_;
    if (doc_ % 7 == 3 && index == 1) return make_error(Reason::kUnreadable, "page 2 is damaged");
    if (doc_ % 11 == 5 && index == 0) throw std::runtime_error("engine exploded");
    PageContent content;
    TextLine line;
    line.text = "doc " + std::to_string(doc_) + " page " + std::to_string(index + 1) +
                (doc_ % 5 == 0 ? std::string(" bad \xff\xfe utf8") : std::string());
    content.text_lines = std::vector<TextLine>{line, line};
    return content;
  }

 private:
  int doc_, pages_;
  std::atomic<int>* concurrent_;
  std::atomic<int>* peak_;
};

TEST(Graph, EveryDocumentComesOutOnceWithPagesInOrder) {
  constexpr int kDocs = 60;
  std::vector<WorkItem> work(kDocs);
  for (int d = 0; d < kDocs; ++d) {
    work[d].source.path = "doc" + std::to_string(d) + ".pdf";
    work[d].source.sha256 = std::to_string(d);
    work[d].source.format = SourceFormat::kPdf;
  }
  Settings settings;
  settings.jobs = 4;
  settings.max_pages_in_flight = 6;
  const ExtractorSlot metadata(std::make_shared<const MetadataExtractor>(
      parse_rules(builtin_rules_text(), "built-in").value()));
  ProgressCounters progress;
  std::atomic<int> concurrent{0}, peak{0};
  std::map<std::string, DocumentOutcome> outcomes;
  std::mutex mutex;

  GraphInputs in;
  PlannedWork planned(work);
  in.work = &planned;
  in.settings = &settings;
  in.metadata = &metadata;
  in.make_engine = [] {
    return Result<std::unique_ptr<OcrEngine>>(make_error(Reason::kInternal, "no OCR here"));
  };
  in.progress = &progress;
  in.load = [&](const Source& s, const LoadOptions&) -> Result<std::shared_ptr<LoadedSource>> {
    const int d = std::stoi(s.sha256);
    if (d % 13 == 4) return make_error(Reason::kEncrypted, s.path.string() + ": encrypted");
    if (d % 17 == 9) throw std::runtime_error("loader crashed");
    return std::shared_ptr<LoadedSource>(
        std::make_shared<FakeSource>(d, 1 + d % 9, &concurrent, &peak));
  };
  in.deliver = [&](DocumentOutcome&& o) {
    std::lock_guard lock(mutex);
    EXPECT_TRUE(outcomes.emplace(o.item->source.path.string(), std::move(o)).second)
        << "delivered twice";
  };
  EXPECT_EQ(run_ingest_graph(std::move(in)), 0u);

  ASSERT_EQ(outcomes.size(), static_cast<std::size_t>(kDocs)) << "no document lost";
  EXPECT_LE(peak.load(), settings.jobs);
  for (int d = 0; d < kDocs; ++d) {
    SCOPED_TRACE("doc " + std::to_string(d));
    const DocumentOutcome& o = outcomes.at("doc" + std::to_string(d) + ".pdf");
    const int pages = 1 + d % 9;
    if (d % 13 == 4) {
      ASSERT_TRUE(o.failure);
      EXPECT_EQ(o.failure->reason, Reason::kEncrypted);
      continue;
    }
    if (d % 17 == 9) {
      ASSERT_TRUE(o.failure);
      EXPECT_EQ(o.failure->reason, Reason::kInternal);
      continue;
    }
    const bool only_page_throws = d % 11 == 5 && pages == 1;
    if (only_page_throws) {
      ASSERT_TRUE(o.failure);
      continue;
    }
    ASSERT_TRUE(o.record) << (o.failure ? o.failure->message : "");
    ASSERT_EQ(o.record->pages.size(), static_cast<std::size_t>(pages));
    for (int p = 0; p < pages; ++p) {
      const PageResult& page = o.record->pages[p];
      EXPECT_EQ(page.number, p + 1);
      const bool fails = (d % 7 == 3 && p == 1) || (d % 11 == 5 && p == 0);
      EXPECT_EQ(page.method, fails ? PageMethod::kFailed : PageMethod::kTextLayer);
      if (!fails)
        EXPECT_EQ(page.text.rfind("doc " + std::to_string(d) + " page " + std::to_string(p + 1), 0),
                  0u);
    }
    const bool partial = (d % 7 == 3 && pages > 1) || (d % 11 == 5);
    const bool flagged_for_page =
        std::any_of(o.record->review_reasons.begin(), o.record->review_reasons.end(),
                    [](const std::string& r) { return r.find("failed") != std::string::npos; });
    EXPECT_EQ(flagged_for_page, partial) << "a partial document is archived and flagged for review";
    if (partial) EXPECT_TRUE(o.record->needs_review);
  }
  EXPECT_EQ(progress.documents_done.load(), kDocs);
}

TEST(Graph, StopTakesNoNewDocumentsButFinishesStartedOnes) {
  std::vector<WorkItem> work(5);
  for (int d = 0; d < 5; ++d) {
    work[d].source.path = "doc" + std::to_string(d);
    work[d].source.sha256 = std::to_string(d);
  }
  Settings settings;
  settings.jobs = 2;
  settings.max_pages_in_flight = 2;
  const ExtractorSlot metadata(std::make_shared<const MetadataExtractor>(
      parse_rules(builtin_rules_text(), "built-in").value()));
  ProgressCounters progress;
  std::atomic<bool> stop{false};
  std::atomic<int> concurrent{0}, peak{0}, delivered{0};
  GraphInputs in;
  PlannedWork planned(work);
  in.work = &planned;
  in.settings = &settings;
  in.metadata = &metadata;
  in.progress = &progress;
  in.stop = [&] { return stop.load(); };
  in.load = [&](const Source& s, const LoadOptions&) -> Result<std::shared_ptr<LoadedSource>> {
    stop = true;  // the signal arrives while the first document is being opened
    return std::shared_ptr<LoadedSource>(
        std::make_shared<FakeSource>(std::stoi(s.sha256) * 2, 4, &concurrent, &peak));
  };
  in.deliver = [&](DocumentOutcome&& o) {
    EXPECT_TRUE(o.record);
    EXPECT_EQ(o.record->pages.size(), 4u) << "a started document is finished whole";
    ++delivered;
  };
  EXPECT_EQ(run_ingest_graph(std::move(in)), 4u);
  EXPECT_EQ(delivered.load(), 1);
}

// A one-page text-layer source: a short release, its own for each document, long enough
// for a near-duplicate signature.
class ReleaseSource : public LoadedSource {
 public:
  explicit ReleaseSource(int doc, int pages = 1) : doc_(doc), pages_(pages) {}
  int page_count() const override { return pages_; }
  Result<PageContent> page(int) override {
    const std::string n = std::to_string(doc_);
    std::vector<TextLine> lines;
    for (const std::string& text :
         {"Press release " + n, std::string("Issued by: Ministry of Transport"),
          "The ministry opened bridge number " + n + " over the river today.",
          "It carries the road between town " + n +
              " and the harbour and took three years to build.",
          std::string("The minister thanked the engineers and the people of the valley for their "
                      "patience.")}) {
      TextLine line;
      line.text = text;
      lines.push_back(line);
    }
    PageContent content;
    content.text_lines = std::move(lines);
    return content;
  }

 private:
  int doc_;
  int pages_;
};

// Runs `docs` releases ("release<D>.pdf", sha256 "<D>") through the graph.
std::map<std::string, DocumentOutcome> run_releases(int docs, const Settings& settings,
                                                    const StageFault& fault, int pages = 1) {
  std::vector<WorkItem> work(static_cast<std::size_t>(docs));
  for (int d = 0; d < docs; ++d) {
    work[d].source.path = "release" + std::to_string(d) + ".pdf";
    work[d].source.sha256 = std::to_string(d);
    work[d].source.format = SourceFormat::kPdf;
  }
  const ExtractorSlot metadata(std::make_shared<const MetadataExtractor>(
      parse_rules(builtin_rules_text(), "built-in").value()));
  ProgressCounters progress;
  std::map<std::string, DocumentOutcome> outcomes;
  std::mutex mutex;
  GraphInputs in;
  PlannedWork planned(work);
  in.work = &planned;
  in.settings = &settings;
  in.metadata = &metadata;
  in.progress = &progress;
  in.fault = fault;
  in.load = [pages](const Source& s, const LoadOptions&) -> Result<std::shared_ptr<LoadedSource>> {
    return std::shared_ptr<LoadedSource>(
        std::make_shared<ReleaseSource>(std::stoi(s.sha256), pages));
  };
  in.deliver = [&](DocumentOutcome&& o) {
    std::lock_guard lock(mutex);
    EXPECT_TRUE(outcomes.emplace(o.item->source.path.string(), std::move(o)).second)
        << "delivered twice";
  };
  EXPECT_NO_THROW(EXPECT_EQ(run_ingest_graph(std::move(in)), 0u));
  // Outcomes hold pointers into `work`: only what the tests read is kept.
  for (auto& [path, outcome] : outcomes) outcome.item = nullptr;
  return outcomes;
}

TEST(Graph, AnExceptionInAnyStageFailsItsInputAloneAndTheBatchGoesOn) {
  Settings settings;
  settings.jobs = 2;
  settings.max_pages_in_flight = 3;
  constexpr int kDocs = 5;
  for (const std::string stage : {"load", "recognize", "assemble", "metadata", "near-duplicates",
                                  "body signature", "store"}) {
    for (const bool out_of_memory : {false, true}) {
      SCOPED_TRACE(stage + (out_of_memory ? ": bad_alloc" : ": exception"));
      std::atomic<int> thrown{0};
      const StageFault fault = [&](const char* at, const WorkItem& item) {
        if (at != stage || item.source.sha256 != "2") return;
        ++thrown;
        if (out_of_memory) throw std::bad_alloc();
        throw std::runtime_error("injected fault");
      };
      const std::map<std::string, DocumentOutcome> outcomes = run_releases(kDocs, settings, fault);
      EXPECT_EQ(thrown.load(), 1) << "the stage was called once for the input";
      ASSERT_EQ(outcomes.size(), static_cast<std::size_t>(kDocs)) << "the batch went on";
      for (int d = 0; d < kDocs; ++d) {
        const DocumentOutcome& o = outcomes.at("release" + std::to_string(d) + ".pdf");
        if (d != 2) {
          EXPECT_TRUE(o.record && !o.failure) << d << (o.failure ? ": " + o.failure->message : "");
          continue;
        }
        ASSERT_TRUE(o.failure && !o.record);
        EXPECT_EQ(o.failure->reason, out_of_memory ? Reason::kTooLarge : Reason::kInternal);
        // A page that threw fails as pages do; the document with it, having no other.
        EXPECT_EQ(o.failure->stage, stage == "recognize" ? "page" : stage);
        EXPECT_NE(o.failure->message.find("release2.pdf"), std::string::npos) << o.failure->message;
        EXPECT_NE(o.failure->message.find(stage), std::string::npos) << o.failure->message;
        if (!out_of_memory)
          EXPECT_NE(o.failure->message.find("injected fault"), std::string::npos)
              << o.failure->message;
      }
    }
  }
}

// A long document's boilerplate lines are keyed in a branch of their own, beside its
// metadata: an exception there fails that input alone; without one, the record's lines
// reach the store with their keys, once each however many pages repeat them.
TEST(Graph, ALongDocumentsBoilerplateLinesAreKeyedBesideItsMetadata) {
  Settings settings;
  settings.jobs = 2;
  settings.max_pages_in_flight = 4;
  ASSERT_TRUE(settings.learned_boilerplate.enabled);
  constexpr int kDocs = 3, kPages = 16;
  const std::map<std::string, DocumentOutcome> clean =
      run_releases(kDocs, settings, nullptr, kPages);
  ASSERT_EQ(clean.size(), static_cast<std::size_t>(kDocs));
  for (const auto& [path, o] : clean) {
    ASSERT_TRUE(o.record && !o.failure) << path;
    EXPECT_EQ(o.record->pages.size(), static_cast<std::size_t>(kPages));
    EXPECT_EQ(o.record->metadata.issuer, "Ministry of Transport") << path;
    std::set<std::string> keys;
    for (const auto& [key, line] : o.countable_lines) keys.insert(key);
    EXPECT_EQ(keys.size(), o.countable_lines.size()) << "each line once";
    EXPECT_GE(o.countable_lines.size(), 3u) << path;
  }
  for (const bool out_of_memory : {false, true}) {
    std::atomic<int> thrown{0};
    const StageFault fault = [&](const char* at, const WorkItem& item) {
      if (std::string(at) != "boilerplate lines" || item.source.sha256 != "1") return;
      ++thrown;
      if (out_of_memory) throw std::bad_alloc();
      throw std::runtime_error("injected fault");
    };
    const std::map<std::string, DocumentOutcome> outcomes =
        run_releases(kDocs, settings, fault, kPages);
    EXPECT_EQ(thrown.load(), 1);
    ASSERT_EQ(outcomes.size(), static_cast<std::size_t>(kDocs));
    const DocumentOutcome& failed = outcomes.at("release1.pdf");
    ASSERT_TRUE(failed.failure && !failed.record);
    EXPECT_EQ(failed.failure->stage, "boilerplate lines");
    EXPECT_EQ(failed.failure->reason, out_of_memory ? Reason::kTooLarge : Reason::kInternal);
    EXPECT_TRUE(outcomes.at("release0.pdf").record && outcomes.at("release2.pdf").record);
  }
  // A short document is keyed after its metadata, in the describe step: nothing to inject.
  std::atomic<int> asked{0};
  const StageFault count = [&](const char* at, const WorkItem&) {
    if (std::string(at) == "boilerplate lines") ++asked;
  };
  run_releases(kDocs, settings, count, 1);
  EXPECT_EQ(asked.load(), 0);
}

// A real source whose pages count how many are being read at once, and which counts the
// sources open at once (from load to the graph letting go of it).
class CountingSource : public LoadedSource {
 public:
  CountingSource(std::shared_ptr<LoadedSource> real, std::atomic<int>& rendering,
                 std::atomic<int>& peak_rendering, std::atomic<int>& open,
                 std::atomic<int>& peak_open)
      : real_(std::move(real)),
        rendering_(rendering),
        peak_rendering_(peak_rendering),
        open_(open) {
    raise_peak(peak_open, ++open_);
  }
  ~CountingSource() override { --open_; }
  int page_count() const override { return real_->page_count(); }
  Result<PageContent> page(int index) override {
    raise_peak(peak_rendering_, ++rendering_);
    // Long enough for another worker to start a page meanwhile, if it was let in.
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    Result<PageContent> content = real_->page(index);
    --rendering_;
    return content;
  }

 private:
  static void raise_peak(std::atomic<int>& peak, int now) {
    int seen = peak.load();
    while (now > seen && !peak.compare_exchange_weak(seen, now)) {
    }
  }
  std::shared_ptr<LoadedSource> real_;
  std::atomic<int>& rendering_;
  std::atomic<int>& peak_rendering_;
  std::atomic<int>& open_;
};

// The page budget (limits.max_pages_in_flight) bounds what a long PDF holds at once: pages
// being read, and the documents opened behind it, whatever its length. Without the
// limiter the source node opens every document of the batch while the long one's pages
// queue, and every worker reads a page at once.
TEST(Graph, ALongPdfKeepsNoMorePagesInFlightThanTheBudget) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("graph_test_long_pdf." + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  constexpr int kLongPages = 300;
  std::vector<testing::PdfLines> pages;
  for (int p = 1; p <= kLongPages; ++p)
    pages.push_back(
        {{"Seite " + std::to_string(p) + " des langen Berichts", 12}, {"Absatz mit Text", 11}});
  testing::write_text_pdf(dir / "long.pdf", pages);
  testing::write_text_pdf(dir / "short.pdf", {{{"Eine kurze Mitteilung", 12}}});
  std::vector<WorkItem> work(9);
  for (std::size_t i = 0; i < work.size(); ++i) {
    const Discovery found = discover_sources({dir / (i == 0 ? "long.pdf" : "short.pdf")});
    ASSERT_EQ(found.sources.size(), 1u);
    work[i].source = found.sources[0];
    work[i].source.sha256 += std::to_string(i);  // distinct inputs of the batch
  }
  Settings settings;
  settings.jobs = 2;
  settings.max_pages_in_flight = 1;
  const ExtractorSlot metadata(std::make_shared<const MetadataExtractor>(
      parse_rules(builtin_rules_text(), "built-in").value()));
  ProgressCounters progress;
  std::atomic<int> rendering{0}, peak_rendering{0}, open{0}, peak_open{0};
  std::vector<DocumentOutcome> outcomes;
  GraphInputs in;
  PlannedWork planned(work);
  in.work = &planned;
  in.settings = &settings;
  in.metadata = &metadata;
  in.progress = &progress;
  in.load = [&](const Source& s,
                const LoadOptions& options) -> Result<std::shared_ptr<LoadedSource>> {
    Result<std::shared_ptr<LoadedSource>> real = load_source(s, options);
    if (!real.ok()) return real.error();
    return std::shared_ptr<LoadedSource>(std::make_shared<CountingSource>(
        std::move(real.value()), rendering, peak_rendering, open, peak_open));
  };
  in.deliver = [&](DocumentOutcome&& o) { outcomes.push_back(std::move(o)); };
  EXPECT_EQ(run_ingest_graph(std::move(in)), 0u);
  std::filesystem::remove_all(dir);

  ASSERT_EQ(outcomes.size(), work.size());
  const auto long_outcome =
      std::find_if(outcomes.begin(), outcomes.end(),
                   [&](const DocumentOutcome& o) { return o.item == &work[0]; });
  ASSERT_NE(long_outcome, outcomes.end());
  const DocumentOutcome& long_one = *long_outcome;
  ASSERT_TRUE(long_one.record) << (long_one.failure ? long_one.failure->message : "");
  ASSERT_EQ(long_one.record->pages.size(), static_cast<std::size_t>(kLongPages));
  for (int p = 0; p < kLongPages; ++p)
    EXPECT_EQ(long_one.record->pages[p].text.rfind("Seite " + std::to_string(p + 1) + " ", 0), 0u)
        << p;
  EXPECT_EQ(peak_rendering.load(), settings.max_pages_in_flight) << "pages read at once";
  // The document whose pages are in flight, and the next one opened when its last page
  // was admitted.
  EXPECT_LE(peak_open.load(), settings.max_pages_in_flight + 1) << "documents open at once";
  EXPECT_EQ(open.load(), 0) << "every source closed";
}

// The MinHash is made per run: a second run in the process with another num_perm signs
// with its own, and its band keys exist.
TEST(Graph, RunsWithOtherSignatureSettingsInOneProcessBothMakeBandKeys) {
  for (const auto& [num_perm, bands] :
       {std::pair{128, 32}, std::pair{64, 16}, std::pair{128, 32}}) {
    SCOPED_TRACE("num_perm " + std::to_string(num_perm));
    Settings settings;
    settings.jobs = 2;
    settings.max_pages_in_flight = 3;
    settings.near_duplicate.num_perm = num_perm;
    settings.near_duplicate.bands = bands;
    settings.near_duplicate.rows = num_perm / bands;
    const std::map<std::string, DocumentOutcome> outcomes = run_releases(3, settings, nullptr);
    ASSERT_EQ(outcomes.size(), 3u);
    for (const auto& [path, o] : outcomes) {
      ASSERT_TRUE(o.record) << path;
      EXPECT_EQ(o.record->signature.size(), static_cast<std::size_t>(num_perm) * 4) << path;
      EXPECT_EQ(o.record->band_keys.size(), static_cast<std::size_t>(bands)) << path;
    }
  }
}

}  // namespace
}  // namespace pressarchive
