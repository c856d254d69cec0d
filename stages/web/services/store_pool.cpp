#include "stages/web/services/store_pool.h"

namespace pressarchive::web {

Result<std::unique_ptr<StorePool>> StorePool::open(const std::string& location, int size) {
  std::unique_ptr<StorePool> pool(new StorePool(location));
  for (int i = 0; i < size; ++i) {
    Result<std::unique_ptr<ArchiveStore>> store = open_existing_store(location);
    if (!store.ok()) return store.error();
    pool->idle_.push_back(std::move(*store));
  }
  return pool;
}

StorePool::Lease StorePool::lease() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [this] { return !idle_.empty(); });
  std::unique_ptr<ArchiveStore> store = std::move(idle_.back());
  idle_.pop_back();
  return Lease(*this, std::move(store));
}

void StorePool::give_back(std::unique_ptr<ArchiveStore> store) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(store));
  }
  available_.notify_one();
}

}  // namespace pressarchive::web
