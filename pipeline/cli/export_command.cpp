#include "pipeline/cli/export_command.h"

#include <tbb/parallel_pipeline.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <memory>
#include <system_error>

#include "pipeline/exit_codes.h"
#include "pipeline/progress.h"
#include "pipeline/report.h"
#include "stages/export/package.h"
#include "stages/export/record_writer.h"
#include "stages/store/archive_store.h"

namespace pressarchive {
namespace fs = std::filesystem;
namespace {

struct Outcome {
  std::int64_t exported = 0;
  std::int64_t failed = 0;
  std::int64_t failures_written = 0;
};

Result<std::vector<std::int64_t>> selected_ids(ArchiveStore& store, const ExportRequest& request) {
  Result<std::vector<std::int64_t>> changed = store.record_ids(request.since);
  if (!changed.ok() || request.ids.empty()) return changed;
  std::vector<std::int64_t> out;
  for (std::int64_t id : request.ids)
    if (std::binary_search(changed->begin(), changed->end(), id)) out.push_back(id);
  return out;
}

// The one record `id`, or an error naming it.
Result<Record> load(ArchiveStore& store, std::int64_t id) {
  Result<std::optional<Record>> record = store.load_record(id);
  if (!record.ok()) return record.error();
  if (!*record)
    return make_error(Reason::kNoText, "record " + std::to_string(id) + ": not in the archive");
  return std::move(**record);
}

int export_lines(ArchiveStore& store, const ExportRequest& request,
                 const std::vector<std::int64_t>& ids, std::ostream& out, std::ostream& err,
                 Outcome& outcome) {
  std::ofstream file;
  std::ostream* target = &out;
  const std::string tmp = request.out + ".partial-" + std::to_string(::getpid());
  if (!request.out.empty() && request.out != "-") {
    file.open(tmp, std::ios::binary | std::ios::trunc);
    if (!file) {
      return report_error(err, exit_code::kUsage, request.out, ": cannot write");
    }
    target = &file;
  }
  std::unique_ptr<RecordWriter> writer = make_record_writer(request.format, *target);
  Status s = Status::Ok();
  if (request.ids.empty() && request.since.empty()) {
    s = store.for_each_record([&](const Record& r) {
      writer->write(r);
      ++outcome.exported;
    });
  } else {
    for (std::int64_t id : ids) {
      Result<Record> record = load(store, id);
      if (!record.ok()) {
        s = record.error();
        break;
      }
      writer->write(*record);
      ++outcome.exported;
    }
  }
  if (s.ok() && request.include_failures)
    s = store.for_each_failure([&](const Failure& f) {
      writer->write(f);
      ++outcome.failures_written;
    });
  target->flush();
  std::error_code ec;
  if (!s.ok() || !*target) {
    if (file.is_open()) fs::remove(tmp, ec);
    return report_error(err, exit_code::kStoreError,
                        (s.ok() ? request.out + ": write failed (disk full?)" : s.error().message));
  }
  if (file.is_open()) {
    file.close();
    fs::rename(tmp, request.out, ec);
    if (ec) {
      return report_error(err, exit_code::kStoreError, request.out, ": cannot write (",
                          ec.message(), ")");
    }
  }
  return exit_code::kOk;
}

PackageOptions package_options(const Settings& settings, const ExportRequest& request) {
  PackageOptions options;
  options.images = request.images;
  options.bag = request.bag;
  options.image_width = settings.export_image_width;
  options.jpeg_quality = settings.export_jpeg_quality;
  options.organisation = settings.export_organisation;
  options.load = settings.load;
  return options;
}

int export_packages(const Settings& settings, ArchiveStore& store, const ExportRequest& request,
                    const std::vector<std::int64_t>& ids, std::ostream& err, Outcome& outcome) {
  std::error_code ec;
  fs::create_directories(request.out, ec);
  if (ec || !fs::is_directory(request.out, ec)) {
    return report_error(err, exit_code::kUsage, request.out, ": cannot create the export folder");
  }
  remove_partial_packages(request.out);
  const PackageOptions options = package_options(settings, request);
  ProgressCounters counters;
  counters.documents_total = static_cast<std::int64_t>(ids.size());
  ProgressReporter progress(counters, settings.log_interval_seconds, request.progress);
  // Records are read from the archive one at a time (the store is not shared between
  // threads), packaged on every core, and reported in any order; at most two records per
  // core are in flight, so memory does not grow with the archive.
  struct Item {
    Result<Record> record = make_error(Reason::kInternal, "");
    std::vector<Event> events;
    Status written;
  };
  std::size_t next = 0;
  bool store_failed = false;
  std::string store_error;
  const int jobs = std::max(1, settings.jobs);
  tbb::parallel_pipeline(
      static_cast<std::size_t>(2 * jobs),
      tbb::make_filter<void, std::shared_ptr<Item>>(
          tbb::filter_mode::serial_in_order,
          [&](tbb::flow_control& control) -> std::shared_ptr<Item> {
            if (next == ids.size() || store_failed) {
              control.stop();
              return nullptr;
            }
            auto item = std::make_shared<Item>();
            item->record = load(store, ids[next++]);
            if (!item->record.ok() && item->record.error().reason != Reason::kNoText) {
              store_failed = true;
              store_error = item->record.error().message;
            } else if (item->record.ok()) {
              Result<std::vector<Event>> events = store.events(item->record->id);
              if (events.ok()) item->events = std::move(events.value());
            }
            return item;
          }) &
          tbb::make_filter<std::shared_ptr<Item>, std::shared_ptr<Item>>(
              tbb::filter_mode::parallel,
              [&](std::shared_ptr<Item> item) {
                if (!item->record.ok()) {
                  item->written = item->record.error();
                } else {
                  PackageInput input{&*item->record, std::move(item->events),
                                     item->record->duplicate_of};
                  item->written = write_package(input, request.out, options);
                }
                return item;
              }) &
          tbb::make_filter<std::shared_ptr<Item>, void>(
              tbb::filter_mode::serial_out_of_order, [&](std::shared_ptr<Item> item) {
                ++counters.documents_done;
                if (item->record.ok())
                  counters.pages_done += static_cast<std::int64_t>(item->record->pages.size());
                if (item->written.ok()) {
                  ++outcome.exported;
                } else if (!store_failed) {
                  ++outcome.failed;
                  ++counters.failures;
                  err << "failed: " << item->written.error().message << "\n";
                }
              }));
  progress.stop();
  if (store_failed) {
    return report_error(err, exit_code::kStoreError, store_error);
  }
  return outcome.failed > 0 ? exit_code::kCompletedWithFailures : exit_code::kOk;
}

void print_summary(const ExportRequest& request, const Outcome& outcome, std::ostream& err) {
  if (request.format != "mets") return;
  err << "exported " << outcome.exported << " record" << (outcome.exported == 1 ? "" : "s")
      << " as METS packages" << (request.bag ? " (BagIt bags)" : "") << " into " << request.out;
  if (outcome.failed > 0) err << "; " << outcome.failed << " could not be exported (see above)";
  err << "\n";
}

}  // namespace

bool is_iso_date_or_time(const std::string& t) {
  const auto digits = [&t](std::size_t from, std::size_t n) {
    if (t.size() < from + n) return false;
    for (std::size_t i = from; i < from + n; ++i)
      if (!std::isdigit(static_cast<unsigned char>(t[i]))) return false;
    return true;
  };
  if (!digits(0, 4) || t.size() < 10 || t[4] != '-' || !digits(5, 2) || t[7] != '-' ||
      !digits(8, 2))
    return false;
  if (t.size() == 10) return true;
  const std::size_t end = t.back() == 'Z' ? t.size() - 1 : t.size();
  if (end != 16 && end != 19) return false;
  if (t[10] != 'T' || !digits(11, 2) || t[13] != ':' || !digits(14, 2)) return false;
  return end == 16 || (t[16] == ':' && digits(17, 2));
}

int run_export(const Settings& settings, const ExportRequest& request, std::ostream& out,
               std::ostream& err) {
  if (request.format != "jsonl" && request.format != "csv" && request.format != "mets") {
    return report_error(err, exit_code::kUsage, "unknown export format '", request.format,
                        "' (known: jsonl, csv, mets)");
  }
  if (request.format == "mets" && (request.out.empty() || request.out == "-")) {
    return report_error(
        err, exit_code::kUsage,
        "export --format mets needs --out FOLDER (one package per record goes there)");
  }
  if ((request.bag || !request.images) && request.format != "mets") {
    return report_error(err, exit_code::kUsage,
                        "--bag and --no-images apply to --format mets only");
  }
  if (!request.since.empty() && !is_iso_date_or_time(request.since)) {
    return report_error(err, exit_code::kUsage, "--since ", request.since,
                        ": not a date (YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SSZ)");
  }
  auto store = open_existing_store(settings.store);
  if (!store.ok()) {
    return report_store_error(err, store.error());
  }
  (*store)->read_each_record_once();
  Result<std::vector<std::int64_t>> ids = selected_ids(**store, request);
  if (!ids.ok()) {
    return report_store_error(err, ids.error());
  }
  for (std::int64_t id : request.ids)
    if (request.since.empty() && !std::binary_search(ids->begin(), ids->end(), id)) {
      return report_error(err, exit_code::kNotFound, "record ", id, ": not in the archive");
    }
  Outcome outcome;
  const int code = request.format == "mets"
                       ? export_packages(settings, **store, request, *ids, err, outcome)
                       : export_lines(**store, request, *ids, out, err, outcome);
  if (code == exit_code::kOk || code == exit_code::kCompletedWithFailures)
    print_summary(request, outcome, err);
  return code;
}

int run_export(const std::string& store, const std::string& format, const std::string& out_file,
               bool include_failures, std::ostream& out, std::ostream& err) {
  Settings settings;
  settings.store = store;
  ExportRequest request;
  request.format = format;
  request.out = out_file;
  request.include_failures = include_failures;
  return run_export(settings, request, out, err);
}

}  // namespace pressarchive
