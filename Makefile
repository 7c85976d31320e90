# The two commands of the README. Everything else is CMake.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_ARGS ?=
VAR_DIR ?= $(CURDIR)/var

.PHONY: run test build deps configure clean bench

deps:
	@scripts/install-deps

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DFERRY_WERROR=ON $(CMAKE_ARGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 600

run: build
	@scripts/run-dev $(BUILD_DIR) $(VAR_DIR)

bench: deps
	@cmake -S . -B $(BUILD_DIR)-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DFERRY_BUILD_TESTS=OFF -DFERRY_BUILD_BENCH=ON >/dev/null
	@cmake --build $(BUILD_DIR)-bench -j $(JOBS)
	@for b in $(BUILD_DIR)-bench/bench/*_bench; do $$b; done

clean:
	rm -rf $(BUILD_DIR) $(BUILD_DIR)-bench
