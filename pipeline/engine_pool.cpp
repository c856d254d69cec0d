#include "pipeline/engine_pool.h"

namespace pressarchive {

Result<EnginePool::Lease> EnginePool::take() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<OcrEngine> engine = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(engine));
    }
  }
  if (!make_) return make_error(Reason::kInternal, "no OCR engine configured");
  // Made outside the lock: another thread may take or return an engine meanwhile.
  Result<std::unique_ptr<OcrEngine>> made = make_();
  if (!made.ok()) return made.error();
  {
    std::lock_guard lock(mutex_);
    ++made_;
  }
  return Lease(*this, std::move(made.value()));
}

int EnginePool::made() const {
  std::lock_guard lock(mutex_);
  return made_;
}

void EnginePool::give_back(std::unique_ptr<OcrEngine> engine) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(engine));
}

}  // namespace pressarchive
