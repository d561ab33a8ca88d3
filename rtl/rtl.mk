# rtl.mk: the RTL's build rules, included by the top Makefile.
#   make rtl          Verilate rtl/*.sv into build-rtl/ (the model); build the runner build/rtl/tgrtl and test_rtl
#   make rtl-defs     regenerate rtl/tg32_defs.svh from isa/tg32.def (commit the result)
#   make rtl-report   yosys synthesis of gpu_top at a small shape (RTL_REPORT_SHAPE): latch check and
#                     cell counts, in $(BUILD)/rtl/report.txt (tests/sh/rtl_yosys.sh is the quick check)
#   make test         also builds and runs $(BUILD)/tests/test_rtl and the tg32_defs freshness check
# Needs verilator and yosys (Debian packages `verilator` and `yosys`).
RTL_DIR   := $(BUILD)/rtl
# The Verilated model is built once, without sanitizers, for every BUILD flavour: under ASan its
# generated C++ takes many minutes to compile, and the model is generated code, not ours.
RTL_MODEL := build-rtl
RTL_SV    := $(sort $(wildcard rtl/*.sv))
RTL_SVH   := rtl/tg32_defs.svh rtl/f32_class.svh
RTL_LIB   := $(RTL_MODEL)/obj/Vgpu_top__ALL.a
RTL_HOBJS := $(RTL_DIR)/tg_rtl.o $(RTL_DIR)/lockstep.o $(RTL_MODEL)/verilated.o $(RTL_MODEL)/verilated_vcd_c.o \
             $(RTL_MODEL)/verilated_threads.o
# The model's shape comes from rtl/harness/tg_rtl.h (TG_RTL_LANES ...), which the harness compiles with.
rtl_shape = $(shell sed -n 's/^\#define TG_RTL_$(1) \([0-9]*\).*/\1/p' rtl/harness/tg_rtl.h)
RTL_GFLAGS := -GLANES=$(call rtl_shape,LANES) -GWARPS=$(call rtl_shape,WARPS) -GNREGS=$(call rtl_shape,NREGS) \
              -GSHARED_WORDS=$(call rtl_shape,SHARED_WORDS) -GLOCAL_WORDS=$(call rtl_shape,LOCAL_WORDS) \
              -GNCORES=$(call rtl_shape,CORES)
VERILATOR_ROOT ?= $(shell verilator --getenv VERILATOR_ROOT 2>/dev/null)
RTL_VFLAGS   := -std=c++17 -faligned-new -O1 -I$(VERILATOR_ROOT)/include -I$(VERILATOR_ROOT)/include/vltstd
RTL_CXXFLAGS := -std=c++17 -faligned-new -O1 $(filter -fsanitize=% -g,$(OPT)) -I$(RTL_MODEL)/obj -I$(VERILATOR_ROOT)/include -I$(VERILATOR_ROOT)/include/vltstd -I.

.PHONY: rtl rtl-defs rtl-report
rtl: $(RTL_DIR)/tgrtl $(BUILD)/tests/test_rtl $(BUILD)/tests/test_lockstep

$(RTL_DIR)/gen_defs: rtl/gen_defs.c isa/isa.c isa/isa.h isa/tg32.def
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ rtl/gen_defs.c isa/isa.c

rtl-defs: $(RTL_DIR)/gen_defs
	$(RTL_DIR)/gen_defs > rtl/tg32_defs.svh

# Verilator turns the SystemVerilog into C++ and compiles it at -O1 (build time over speed).
# -Wno-VARHIDDEN: Verilator 5.006 reports each module's own copy of tg32_defs.svh's functions as
# hiding the enclosing module's once the cores sit in a generate loop (gpu_top's g_core).
$(RTL_LIB): $(RTL_SV) $(RTL_SVH) rtl/harness/tg_rtl.h
	@mkdir -p $(RTL_MODEL)/obj
	verilator --cc --trace -Wall -Wno-UNUSEDPARAM -Wno-UNUSEDSIGNAL -Wno-VARHIDDEN --top-module gpu_top $(RTL_GFLAGS) +incdir+rtl \
	  --Mdir $(RTL_MODEL)/obj $(RTL_SV)
	$(MAKE) -s -C $(RTL_MODEL)/obj -f Vgpu_top.mk OPT_FAST="-O1" OPT_SLOW="-O1" Vgpu_top__ALL.a

$(RTL_MODEL)/verilated.o: $(VERILATOR_ROOT)/include/verilated.cpp $(RTL_LIB)
	$(CXX) $(RTL_VFLAGS) -c $< -o $@
$(RTL_MODEL)/verilated_vcd_c.o: $(VERILATOR_ROOT)/include/verilated_vcd_c.cpp $(RTL_LIB)
	$(CXX) $(RTL_VFLAGS) -c $< -o $@
$(RTL_MODEL)/verilated_threads.o: $(VERILATOR_ROOT)/include/verilated_threads.cpp $(RTL_LIB)
	$(CXX) $(RTL_VFLAGS) -c $< -o $@
$(RTL_DIR)/tg_rtl.o: rtl/harness/tg_rtl.cpp rtl/harness/tg_rtl.h $(RTL_LIB)
	@mkdir -p $(dir $@)
	$(CXX) $(RTL_CXXFLAGS) -c $< -o $@

$(RTL_DIR)/%.o: rtl/harness/%.c rtl/harness/tg_rtl.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(RTL_DIR)/tgrtl: $(RTL_DIR)/tgrtl.o $(RTL_DIR)/rtl_run.o $(RTL_HOBJS) $(RTL_LIB) $(LIB)
	$(CXX) $(LDFLAGS) -o $@ $(RTL_DIR)/tgrtl.o $(RTL_DIR)/rtl_run.o $(RTL_HOBJS) $(RTL_LIB) $(LIB) $(LDLIBS)

$(BUILD)/tests/test_rtl: $(RTL_DIR)/test_rtl.o $(RTL_HOBJS) $(RTL_LIB) $(LIB)
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS) -o $@ $(RTL_DIR)/test_rtl.o $(RTL_HOBJS) $(RTL_LIB) $(LIB) $(LDLIBS)

# make test runs test_rtl (via tests/run.sh) and checks the committed tg32_defs.svh is fresh.
test: $(BUILD)/tests/test_rtl $(RTL_DIR)/gen_defs $(RTL_DIR)/tgrtl

# gpu_top's default shape (4 warps x 8 lanes) with small memories: generic synthesis maps every
# memory to flip-flops, and the 4096 x 64-bit instruction memory alone would be 262,144 of them.
RTL_REPORT_SHAPE := -set WARPS 4 -set LANES 8 -set NREGS 32 -set SHARED_WORDS 256 -set LOCAL_WORDS 16 \
                    -set IMEM_WORDS 256
rtl-report:
	@mkdir -p $(RTL_DIR)
	yosys -q -l $(RTL_DIR)/report.log -p "read_verilog -sv -Irtl $(RTL_SV); \
	  chparam $(RTL_REPORT_SHAPE) gpu_top; synth -top gpu_top; select -assert-none t:\$$*latch*; \
	  tee -q -o $(RTL_DIR)/report.txt stat"
	@echo "gpu_top ($(RTL_REPORT_SHAPE)): no latch; cells (full log: $(RTL_DIR)/report.log):"
	@sed -n '/design hierarchy/,$$p' $(RTL_DIR)/report.txt | grep -v '^ *$$'

$(BUILD)/tests/test_lockstep: $(RTL_DIR)/test_lockstep.o $(RTL_HOBJS) $(RTL_LIB) $(LIB)
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS) -o $@ $(RTL_DIR)/test_lockstep.o $(RTL_HOBJS) $(RTL_LIB) $(LIB) $(LDLIBS)
test: $(BUILD)/tests/test_lockstep

# The kernel tests again, every launch on the RTL in lockstep with the simulator (same inputs and
# checks): test_ptx_kernels (the CUDA kernels through PTX, the LLM's included) and test_kernels (the
# hand-written kernels/*.tgasm).
RTL_KTESTS := $(BUILD)/tests/test_ptx_kernels_rtl $(BUILD)/tests/test_kernels_rtl
$(RTL_KTESTS:$(BUILD)/tests/%=$(RTL_DIR)/%.o): $(RTL_DIR)/%_rtl.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DTG_TEST_RTL -c $< -o $@
$(RTL_KTESTS): $(BUILD)/tests/%: $(RTL_DIR)/%.o $(RTL_DIR)/rtl_run.o $(RTL_HOBJS) $(RTL_LIB) $(LIB)
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS) -o $@ $< $(RTL_DIR)/rtl_run.o $(RTL_HOBJS) $(RTL_LIB) $(LIB) $(LDLIBS)
rtl test: $(RTL_KTESTS)

# tgpu torture's lockstep check on a fixed range of seeds (tools/torture/), plus a planted difference.
$(BUILD)/tests/test_torture_rtl: $(RTL_DIR)/test_torture_rtl.o $(RTL_DIR)/rtl_run.o $(RTL_HOBJS) $(RTL_LIB) $(LIB)
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS) -o $@ $< $(RTL_DIR)/rtl_run.o $(RTL_HOBJS) $(RTL_LIB) $(LIB) $(LDLIBS)
test: $(BUILD)/tests/test_torture_rtl
rtl: $(BUILD)/tests/test_torture_rtl
