#include "pipeline/graph.h"

#include <oneapi/tbb/concurrent_queue.h>
#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/global_control.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <thread>

#include "pipeline/describe.h"
#include "pipeline/stage_guard.h"
#include "stages/ingest/load.h"
#include "stages/ingest/recognize.h"

namespace pressarchive {
namespace {

namespace flow = oneapi::tbb::flow;

// One document on its way through the graph. Pages are filled in by the serial
// assemble node only, so they need no lock.
struct DocumentJob {
  const WorkItem* item = nullptr;
  std::shared_ptr<LoadedSource> loaded;
  std::optional<Error> load_error;
  int page_count = 0;
  std::vector<PageResult> pages;
};
using DocumentPtr = std::shared_ptr<DocumentJob>;

struct PageTask {
  DocumentPtr document;
  int index = -1;  // -1: the document failed to load and has no pages
  std::shared_ptr<PageResult> result;
};

// A reprocessing job redoes only some pages: each must still exist in the source (one
// that no longer does cannot be redone). The document then counts only those.
Status check_only_pages(DocumentJob& doc) {
  const std::vector<int>& only = doc.item->only_pages;
  if (only.empty()) return Status::Ok();
  for (int number : only)
    if (number < 1 || number > doc.page_count)
      return make_error(Reason::kUnreadable, doc.item->source.path.string() + ": has no page " +
                                                 std::to_string(number) + " any more");
  doc.page_count = static_cast<int>(only.size());
  return Status::Ok();
}

// One page through recognition. A page whose call threw fails alone, like any failed
// page: its document is archived with the others, or fails if it has no other.
PageResult recognize_guarded(const GraphInputs& in, const PageTask& task,
                             const EngineProvider& engine) {
  PageResult page;
  const WorkItem& item = *task.document->item;
  const Status s =
      guard_stage("page " + std::to_string(task.index + 1), "recognize", item, in.fault, [&] {
        page = recognize_page(*task.document->loaded, task.index, engine, in.settings->recognize);
      });
  if (s.ok()) return page;
  PageResult failed;
  failed.number = task.index + 1;
  failed.method = PageMethod::kFailed;
  failed.error = s.error();
  return failed;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Hands an outcome to the store. A call that threw is followed by the input's failure
// at "store"; should that throw as well, the store itself is broken, and the exception
// ends the run loudly. Returns whether the input became a failure here.
bool store_guarded(const GraphInputs& in, DocumentOutcome&& outcome) {
  const WorkItem& item = *outcome.item;
  const Status s = guard_stage("store", item, in.fault, [&] { in.deliver(std::move(outcome)); });
  if (s.ok()) return false;
  DocumentOutcome failed;
  failed.item = &item;
  failed.failure = failure_of(item, "store", s.error());
  in.deliver(std::move(failed));
  return true;
}

}  // namespace

std::size_t run_ingest_graph(GraphInputs in) {
  const Settings& settings = *in.settings;
  ProgressCounters& progress = *in.progress;
  // A source that may wait for work holds its thread while it waits.
  oneapi::tbb::global_control threads(
      oneapi::tbb::global_control::max_allowed_parallelism,
      static_cast<std::size_t>(settings.jobs) + (in.work->may_wait() ? 1 : 0));
  // The caller's engines when it keeps them between runs (a queue worker), else this run's.
  std::optional<EnginePool> own_engines;
  if (!in.engines) own_engines.emplace(in.make_engine);
  EnginePool& engines = in.engines ? *in.engines : *own_engines;

  flow::graph g;

  // Opens sources one after another and emits their pages lazily, so the limiter below
  // decides how many pages exist at once, whatever the documents' lengths.
  WorkSource& work = *in.work;
  bool taking = true;
  DocumentPtr current;
  int next_page = 0;
  std::size_t not_started = 0;
  flow::input_node<PageTask> page_source(g, [&](oneapi::tbb::flow_control& control) -> PageTask {
    while (true) {
      if (current && next_page < current->page_count) {
        const std::vector<int>& only = current->item->only_pages;
        const int index = only.empty() ? next_page : only[static_cast<std::size_t>(next_page)] - 1;
        ++next_page;
        return PageTask{current, index, nullptr};
      }
      current.reset();
      if (taking && in.stop && in.stop()) {
        not_started = work.stop_taking();
        taking = false;
      }
      const WorkItem* item = taking ? work.next() : nullptr;
      if (!item) {
        taking = false;
        control.stop();
        return {};
      }
      auto doc = std::make_shared<DocumentJob>();
      doc->item = item;
      const auto open_start = std::chrono::steady_clock::now();
      Result<std::shared_ptr<LoadedSource>> loaded = make_error(Reason::kInternal, "not loaded");
      const Status opened = guard_stage("load", *doc->item, in.fault, [&] {
        loaded = in.load(doc->item->source, settings.load);
        if (loaded.ok()) doc->page_count = loaded.value()->page_count();
      });
      progress.add_time(ProgressCounters::kOpen, seconds_since(open_start));
      if (!opened.ok()) loaded = opened.error();
      if (!loaded.ok()) {
        doc->load_error = loaded.error();
        return PageTask{doc, -1, nullptr};
      }
      doc->loaded = std::move(loaded.value());
      if (Status pages = check_only_pages(*doc); !pages.ok()) {
        doc->load_error = pages.error();
        return PageTask{doc, -1, nullptr};
      }
      doc->pages.reserve(static_cast<std::size_t>(doc->page_count));
      current = doc;
      next_page = 0;
    }
  });

  flow::limiter_node<PageTask> admission(g, static_cast<std::size_t>(settings.max_pages_in_flight));

  flow::function_node<PageTask, PageTask> recognize(
      g, static_cast<std::size_t>(settings.jobs), [&](PageTask task) {
        if (task.index < 0) return task;
        // Taken only when the page is OCR'd (a text-layer page needs none), held to its end.
        std::optional<EnginePool::Lease> lease;
        const EngineProvider engine = [&]() -> Result<OcrEngine*> {
          if (!lease) {
            Result<EnginePool::Lease> taken = engines.take();
            if (!taken.ok()) return taken.error();
            lease.emplace(std::move(taken.value()));
          }
          return lease->get();
        };
        task.result = std::make_shared<PageResult>(recognize_guarded(in, task, engine));
        const PageResult::Timings& t = task.result->timings;
        progress.add_time(ProgressCounters::kLoad, t.load);
        progress.add_time(ProgressCounters::kOrientation, t.orientation);
        progress.add_time(ProgressCounters::kDeskew, t.deskew);
        progress.add_time(ProgressCounters::kOcr, t.ocr);
        progress.pages_done++;
        switch (task.result->method) {
          case PageMethod::kOcr:
            progress.pages_ocr++;
            break;
          case PageMethod::kTextLayer:
            progress.pages_text_layer++;
            break;
          case PageMethod::kFailed:
            progress.pages_failed++;
            break;
        }
        return task;
      });

  using AssembleNode =
      flow::multifunction_node<PageTask, std::tuple<flow::continue_msg, DocumentPtr>>;
  AssembleNode assemble(
      g, flow::serial, [](const PageTask& task, AssembleNode::output_ports_type& ports) {
        std::get<0>(ports).try_put(flow::continue_msg());
        DocumentJob& doc = *task.document;
        if (task.index >= 0) doc.pages.push_back(std::move(*task.result));
        if (task.index < 0 || static_cast<int>(doc.pages.size()) == doc.page_count)
          std::get<1>(ports).try_put(task.document);
      });

  using OutcomePtr = std::shared_ptr<DocumentOutcome>;
  using SigningPtr = std::shared_ptr<TextSigning>;
  using LineKeysPtr = std::shared_ptr<LineKeying>;
  flow::function_node<DocumentPtr, OutcomePtr> assemble_doc(
      g, flow::unlimited, [&](const DocumentPtr& doc) {
        if (doc->load_error) {
          auto outcome = std::make_shared<DocumentOutcome>();
          outcome->item = doc->item;
          outcome->failure = failure_of(*doc->item, "load", *doc->load_error);
          return outcome;
        }
        doc->loaded.reset();  // closes the source: no page of it is in flight any more
        return assemble_document(*doc->item, std::move(doc->pages), doc->page_count, in);
      });

  flow::function_node<OutcomePtr, OutcomePtr> describe(g, flow::unlimited, [&](OutcomePtr outcome) {
    return describe_document(std::move(outcome), in);
  });

  const MinHash minhash(settings.near_duplicate.num_perm);
  const SigningContext signing{&in, &minhash};
  flow::function_node<OutcomePtr, SigningPtr> sign_whole(
      g, flow::unlimited, [&](const OutcomePtr& outcome) { return sign_text(*outcome, signing); });
  flow::function_node<OutcomePtr, OutcomePtr> body_keys(
      g, flow::unlimited,
      [&](OutcomePtr outcome) { return sign_body(std::move(outcome), signing); });

  flow::function_node<OutcomePtr, LineKeysPtr> line_keys(
      g, flow::unlimited, [&](const OutcomePtr& outcome) { return key_lines(*outcome, in); });

  // The three branches of one document meet again by the outcome they belong to.
  using Branches = std::tuple<OutcomePtr, SigningPtr, LineKeysPtr>;
  flow::join_node<Branches, flow::key_matching<const DocumentOutcome*>> join_branches(
      g, [](const OutcomePtr& outcome) -> const DocumentOutcome* { return outcome.get(); },
      [](const SigningPtr& text) { return text->document; },
      [](const LineKeysPtr& lines) { return lines->document; });

  flow::function_node<Branches, OutcomePtr> sign(g, flow::unlimited, [&](const Branches& branches) {
    return sign_for_placement(take_line_keys(std::get<0>(branches), *std::get<2>(branches)),
                              *std::get<1>(branches), signing);
  });

  // The store works on a thread of its own, not on one of the graph's workers: a commit
  // waits on the disk or the database server, and a worker waiting there is a core not
  // recognising pages. The queue between them is bounded, so a store that falls behind
  // holds the graph back instead of piling finished documents up in memory.
  oneapi::tbb::concurrent_bounded_queue<std::shared_ptr<DocumentOutcome>> to_store;
  to_store.set_capacity(static_cast<std::ptrdiff_t>(2 * settings.jobs));
  std::exception_ptr store_error;
  std::thread store_thread([&] {
    std::shared_ptr<DocumentOutcome> outcome;
    while (true) {
      to_store.pop(outcome);
      if (!outcome) return;       // the end of the run
      if (store_error) continue;  // drained, so the graph can finish
      try {
        progress.documents_done++;
        if (outcome->failure) progress.failures++;
        const auto store_start = std::chrono::steady_clock::now();
        const WorkItem* item = outcome->item;
        if (store_guarded(in, std::move(*outcome))) progress.failures++;
        progress.add_time(ProgressCounters::kStore, seconds_since(store_start));
        in.work->finished(item);
      } catch (...) {
        store_error = std::current_exception();
      }
    }
  });
  // Ends the store thread however the graph ends (an exception from a stage included),
  // after it has taken everything queued.
  struct StoreThreadEnd {
    decltype(to_store)& queue;
    std::thread& thread;
    ~StoreThreadEnd() {
      if (!thread.joinable()) return;
      queue.push(nullptr);
      thread.join();
    }
  } store_thread_end{to_store, store_thread};

  flow::function_node<std::shared_ptr<DocumentOutcome>, flow::continue_msg> deliver(
      g, flow::serial, [&](const std::shared_ptr<DocumentOutcome>& outcome) {
        to_store.push(outcome);
        return flow::continue_msg();
      });

  flow::make_edge(page_source, admission);
  flow::make_edge(admission, recognize);
  flow::make_edge(recognize, assemble);
  flow::make_edge(flow::output_port<0>(assemble), admission.decrementer());
  flow::make_edge(flow::output_port<1>(assemble), assemble_doc);
  flow::make_edge(assemble_doc, describe);
  flow::make_edge(assemble_doc, sign_whole);
  flow::make_edge(assemble_doc, line_keys);
  flow::make_edge(describe, body_keys);
  flow::make_edge(body_keys, flow::input_port<0>(join_branches));
  flow::make_edge(sign_whole, flow::input_port<1>(join_branches));
  flow::make_edge(line_keys, flow::input_port<2>(join_branches));
  flow::make_edge(join_branches, sign);
  flow::make_edge(sign, deliver);
  page_source.activate();
  g.wait_for_all();
  to_store.push(nullptr);
  store_thread.join();
  if (store_error) std::rethrow_exception(store_error);
  return not_started;
}

}  // namespace pressarchive
