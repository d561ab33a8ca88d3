# tgpu: one Makefile for the whole tree.
#   make            build build/tgpu and every test program
#   make test       build and run every test (unit, kernel, end-to-end, fuzz corpora)
#   make test SAN=1 the same under AddressSanitizer + UBSan (objects go to build-san/)
#   make CC=clang   any C11 compiler; the tree builds clean with -Wall -Wextra -Werror
#   make fuzz       libFuzzer targets (clang) into build-fuzz/
#   make bench      benchmarks (never timed tests); make bench-cuda: decode on a GPU vs llama.cpp
#   make torture N=1000 [SEED=S]   random programs: functional vs cycle mode, simulator vs RTL
# Sources are found by wildcard, so adding a file to a module needs no edit here:
#   isa/ sim/ runtime/ *.c      -> build/libtgpu.a
#   tools/*.c                   -> build/tgpu (one binary, subcommands in tools/cmd_*.c)
#   tests/unit/test_*.c         -> build/tests/test_* (each links libtgpu.a)
#   tests/fuzz/fuzz_*.c         -> corpus replayers in make test, libFuzzer binaries in make fuzz
#   tests/bench/bench_*.c       -> build/bench/bench_* (each links libtgpu.a), run by make bench

CC      ?= cc
SAN     ?= 0
ifeq ($(SAN),1)
BUILD   ?= build-san
OPT     := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else
BUILD   ?= build
OPT     := -O2 -g
endif
CFLAGS  ?=
CFLAGS  += -std=c11 -D_DEFAULT_SOURCE -ffp-contract=off -Wall -Wextra -Werror $(OPT) -I. -MMD -MP
LDFLAGS += $(filter -fsanitize=%,$(OPT))
LDLIBS  += -lm -lpthread
NVCC    ?= $(shell command -v nvcc 2>/dev/null || echo /usr/local/cuda/bin/nvcc)
# CUDA=1 builds the cuda backend (CUDA driver API) and a fatbin of kernels/NAME.cu for sm_80/sm_90.
ifeq ($(CUDA),1)
CFLAGS  += -DTG_HAVE_CUDA -I$(dir $(NVCC))../include
LDLIBS  += -L$(dir $(NVCC))../lib64/stubs -lcuda
endif
PYTHON  ?= $(if $(wildcard .venv/bin/python3),$(CURDIR)/.venv/bin/python3,python3)

LIB_SRCS   := $(sort $(wildcard isa/*.c sim/*.c runtime/*.c))
LIB_SRCS   += $(sort $(wildcard tools/ptx/*.c))
# tgpu torture (tools/torture/): the random program generator and its checks
LIB_SRCS   += $(sort $(wildcard tools/torture/*.c))
# tgpu viz (tools/viz/): the only SDL2 user; its objects alone get SDL's flags
LIB_SRCS   += $(sort $(wildcard tools/viz/*.c))
SDL_CFLAGS := $(shell sdl2-config --cflags 2>/dev/null)
LDLIBS     += -lSDL2 -lSDL2_image
TOOL_SRCS  := $(sort $(wildcard tools/*.c))
TEST_SRCS  := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRCS  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
BENCH_SRCS := $(sort $(wildcard tests/bench/bench_*.c))

LIB_OBJS   := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
TOOL_OBJS  := $(TOOL_SRCS:%.c=$(BUILD)/obj/%.o)
TEST_BINS  := $(TEST_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_BINS  := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/tests/%)
BENCH_BINS := $(BENCH_SRCS:tests/bench/%.c=$(BUILD)/bench/%)
LIB        := $(BUILD)/libtgpu.a
TGPU       := $(BUILD)/tgpu

CU_SRCS    := $(sort $(wildcard kernels/*.cu))
CU_FATBINS := $(BUILD)/kernels/kernels.fatbin
CU_TGBINS  := $(CU_SRCS:kernels/%.cu=$(BUILD)/kernels/%.tgbin)
CU_PTX     := $(CU_SRCS:kernels/%.cu=$(BUILD)/ptx/%.ptx)

.PHONY: all test check bench bench-cuda fuzz clean demo ptx-corpus goldens
all: $(TGPU) $(TEST_BINS) $(FUZZ_BINS) $(CU_PTX) $(CU_TGBINS) $(if $(filter 1,$(CUDA)),$(CU_FATBINS))

# The same CUDA C for a real GPU: every kernels/NAME.cu in one fatbin (SASS for sm_80 and sm_90,
# plus PTX), so the cuda backend finds any kernel in one module.
$(BUILD)/kernels/kernels.fatbin: $(CU_SRCS)
	@mkdir -p $(dir $@)
	printf '$(foreach f,$(CU_SRCS),#include "$(CURDIR)/$(f)"\n)' > $(BUILD)/kernels/all_kernels.cu
	$(NVCC) -O3 -fatbin -gencode arch=compute_80,code=sm_80 -gencode arch=compute_90,code=[sm_90,compute_90] $(BUILD)/kernels/all_kernels.cu -o $@

# The same CUDA C for tgpu: nvcc -ptx (cached in $(BUILD)/ptx/; where nvcc is absent, the copy
# committed in tests/corpus/ptx/ stands in, and tests/sh/ptx_corpus_fresh.sh keeps it current),
# then the PTX front-end into the TG32 images the sim and rtl backends load.
$(BUILD)/ptx/%.ptx: kernels/%.cu
	@mkdir -p $(dir $@)
	@if [ -x "$(NVCC)" ]; then echo "$(NVCC) -ptx -arch=sm_80 -O3 $< -o $@"; $(NVCC) -ptx -arch=sm_80 -O3 $< -o $@; \
	 else echo "nvcc not found: using tests/corpus/ptx/$*.ptx"; cp tests/corpus/ptx/$*.ptx $@; fi

$(BUILD)/kernels/%.tgbin: $(BUILD)/ptx/%.ptx $(TGPU)
	@mkdir -p $(dir $@)
	$(TGPU) ptx $< -o $@

# Hardware goldens (needs nvcc and an NVIDIA GPU): runs every kernel with fixed inputs and writes
# tests/goldens/<case>/ + EXPECTED + PROVENANCE, which test_ptx_goldens replays on the simulator.
goldens:
	@mkdir -p $(BUILD)
	$(NVCC) -O3 -gencode arch=compute_80,code=sm_80 -gencode arch=compute_90,code=[sm_90,compute_90] tests/goldens/record.cu -o $(BUILD)/goldens_record
	$(BUILD)/goldens_record tests/goldens
	@du -sh tests/goldens

# Refreshes the committed PTX of every kernel (needs nvcc).
ptx-corpus:
	for f in $(CU_SRCS); do n=$$(basename $$f .cu); $(NVCC) -ptx -arch=sm_80 -O3 $$f -o tests/corpus/ptx/$$n.ptx || exit 1; done

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/obj/tools/viz/%.o: CFLAGS += $(SDL_CFLAGS)

$(LIB): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

include rtl/rtl.mk

# With Verilator installed (RTL=1, the default then), tgpu links the Verilated RTL for
# `tgpu run --backend rtl` and the device layer's rtl backend; without it those say so.
RTL ?= $(if $(shell command -v verilator 2>/dev/null),1,0)
TGPU_RTL := $(if $(filter 1,$(RTL)),$(BUILD)/rtl/rtl_run.o $(RTL_HOBJS) $(RTL_LIB))
$(TGPU): $(TOOL_OBJS) $(LIB) $(TGPU_RTL)
	$(if $(TGPU_RTL),$(CXX),$(CC)) $(LDFLAGS) -o $@ $(TOOL_OBJS) $(TGPU_RTL) $(LIB) $(LDLIBS)

$(BUILD)/tests/test_%: $(BUILD)/obj/tests/unit/test_%.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# Fuzz targets double as corpus replayers: fuzz_main.c supplies main() outside libFuzzer.
$(BUILD)/tests/fuzz_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(BUILD)/obj/tests/fuzz_main.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(BUILD)/obj/tests/fuzz_main.o $(LIB) $(LDLIBS)

# Benchmarks (tests/bench/bench_*.c) link like unit tests; make bench builds and runs them.
$(BUILD)/bench/bench_%: $(BUILD)/obj/tests/bench/bench_%.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/obj/tests/fuzz_main.o: tests/fuzz_main.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

test: all
	BUILD=$(BUILD) TGPU=$(CURDIR)/$(TGPU) PYTHON=$(PYTHON) tests/run.sh

# The main job: the bundled model generates text on the simulated GPU (cycle-level), then the
# report, then the agreement check against the cpu reference.
DEMO_MODEL  ?= tests/models/tiny.gguf
DEMO_PROMPT ?= In the beginning God
DEMO_TOKENS ?= 16
demo: all
	$(TGPU) llm -m $(DEMO_MODEL) -p "$(DEMO_PROMPT)" -n $(DEMO_TOKENS) --temp 0 --backend sim --mode cycle \
	    --kernels $(BUILD)/kernels --report
	$(TGPU) diff -m $(DEMO_MODEL) -p "$(DEMO_PROMPT)" -n 4 --backends cpu,sim --mode cycle --kernels $(BUILD)/kernels

# Random programs (tools/torture/, docs/torture.md): make torture N=1000 [SEED=1] [BACKEND=sim|rtl|all]
# [FEATURES=fdiv,-atomics]: functional == cycle mode and simulator == RTL in lockstep, then a summary.
.PHONY: torture
torture: $(TGPU)
	$(TGPU) torture --seed $(or $(SEED),1) --count $(or $(N),1000) --backend $(or $(BACKEND),all) --keep-going \
	    $(if $(FEATURES),--features $(FEATURES))

# Lab checker (docs/labs/): make lab N=3 SOL=path/to/solution runs tests/labs/check_lab.sh.
.PHONY: lab
lab: $(TGPU)
	@TGPU=$(CURDIR)/$(TGPU) PYTHON=$(PYTHON) TG_ROOT=$(CURDIR) tests/labs/check_lab.sh "$(N)" "$(SOL)"

# The full gate (README's test command): gcc and clang builds with -Werror, all tests, and all tests
# again under ASan + UBSan.
check:
	$(MAKE) CC=clang BUILD=build-clang all
	$(MAKE) test
	$(MAKE) test SAN=1

fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang OPT="-O1 -g -fsanitize=fuzzer-no-link,address,undefined" build-fuzz/libtgpu.a
	@mkdir -p build-fuzz/fuzz
	for f in $(FUZZ_SRCS); do n=$$(basename $$f .c); \
	  clang -std=c11 -D_DEFAULT_SOURCE -I. -O1 -g -fsanitize=fuzzer,address,undefined $$f build-fuzz/libtgpu.a -lm -lpthread -o build-fuzz/fuzz/$$n || exit 1; done
	@echo "fuzz targets in build-fuzz/fuzz/ (run e.g. build-fuzz/fuzz/fuzz_gguf tests/corpus/gguf)"

bench: all $(BENCH_BINS)
	BUILD=$(BUILD) TGPU=$(CURDIR)/$(TGPU) PYTHON=$(PYTHON) tests/bench/run.sh

# CUDA decode speed vs the bandwidth limit and llama.cpp (LLAMA_BENCH=...); needs a GPU. Builds
# its own CUDA=1 tree in build-cuda (BUILD_CUDA=...).
bench-cuda:
	BUILD=$(or $(BUILD_CUDA),build-cuda) tests/bench/cuda.sh

clean:
	rm -rf build build-san build-fuzz build-clang build-rtl

# The RTL (issue 5): Verilator model, harness, tests, synthesis report.

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
