// The archive connections the web page's request threads share. A connection serves one
// request at a time (an SQLite or PostgreSQL connection is not for concurrent use);
// requests wait for a free one. They stay open for the server's life: opening an SQLite
// archive checks its schema under a write lock, which an ingest writing the same file
// would make every request wait for. Reads then run beside the ingest (WAL readers do
// not block the writer, and SQLite waits out a busy writer up to its busy timeout).
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "stages/store/archive_store.h"

namespace pressarchive::web {

class StorePool {
 public:
  // Opens `size` connections to the existing archive at `location`.
  static Result<std::unique_ptr<StorePool>> open(const std::string& location, int size);

  // One connection, lent for the lease's lifetime.
  class Lease {
   public:
    Lease(StorePool& pool, std::unique_ptr<ArchiveStore> store)
        : pool_(&pool), store_(std::move(store)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (store_) pool_->give_back(std::move(store_));
    }
    ArchiveStore* operator->() const { return store_.get(); }
    ArchiveStore& operator*() const { return *store_; }

   private:
    StorePool* pool_;
    std::unique_ptr<ArchiveStore> store_;
  };
  Lease lease();

  const std::string& location() const { return location_; }

 private:
  explicit StorePool(std::string location) : location_(std::move(location)) {}
  void give_back(std::unique_ptr<ArchiveStore> store);

  std::string location_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<ArchiveStore>> idle_;
};

}  // namespace pressarchive::web
