// OCR engines kept between pages and between runs: building a Tesseract engine costs
// about 1 G instructions, so a queue worker builds one per thread once for its life, not
// once per batch. At most as many engines exist as pages were recognised at once.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "stages/core/result.h"
#include "stages/engines/ocr_engine.h"

namespace pressarchive {

using EngineFactory = std::function<Result<std::unique_ptr<OcrEngine>>()>;

class EnginePool {
 public:
  explicit EnginePool(EngineFactory make) : make_(std::move(make)) {}
  EnginePool(const EnginePool&) = delete;
  EnginePool& operator=(const EnginePool&) = delete;

  // An engine for one page, back in the pool when the lease ends. Thread-safe.
  class Lease {
   public:
    Lease(EnginePool& pool, std::unique_ptr<OcrEngine> engine)
        : pool_(&pool), engine_(std::move(engine)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (engine_) pool_->give_back(std::move(engine_));
    }
    OcrEngine* get() const { return engine_.get(); }

   private:
    EnginePool* pool_;
    std::unique_ptr<OcrEngine> engine_;
  };

  // An idle engine, or a new one made by the factory (its error when it cannot be made).
  Result<Lease> take();
  // How many engines were made so far.
  int made() const;

 private:
  void give_back(std::unique_ptr<OcrEngine> engine);

  EngineFactory make_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<OcrEngine>> idle_;
  int made_ = 0;
};

}  // namespace pressarchive
