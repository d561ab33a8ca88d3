// gpu_top.sv: the TG32 GPU as the host sees it (bare-metal interface). The host loads code through
// the instruction-memory write port, writes the launch registers, writes 1 to CONTROL, and polls
// STATUS until done or fault. Inside: the dispatcher, one core, the instruction memory, and the
// core's memory port passed straight out to the DRAM model (in the Verilator harness).
//
// Registers (host_addr = word index):
//   0 ENTRY        kernel entry pc (instruction index)    1 END          one past the last instruction
//   2 GRID_X       blocks in the grid, x                  3 BLOCK_X      threads per block, x
//   4 PARAMS       device address of the parameter block  5 PARAM_BYTES  its size
//   6 SHARED_BYTES static shared memory per block         7 CONTROL      write 1: start the launch
//   8 STATUS       bit0 busy, bit1 done, bit2 fault       9 FAULT_KIND   sim's tg_fault_kind; 15 unimplemented
//  10 FAULT_PC    11 FAULT_WARP   12 FAULT_LANE   13 FAULT_ADDR   14 FAULT_BLOCK (linear)   15 CYCLES (of the launch)
//  16 GRID_Y      17 GRID_Z       18 BLOCK_Y      19 BLOCK_Z (each 1 after reset)
//  20 LOCAL_BYTES  local memory per thread (<= LOCAL_WORDS * 4)
//  21 L1_HITS     22 L1_MISSES (reads served by / filled into the L1; l1_cache.sv)
//  23 MEM_READS   24 MEM_WRITES (word requests on the DRAM port; mem_ctrl.sv); 21-24 count one launch
//  25 L1_CTRL     bit0 = 1: bypass the L1 (every request goes to DRAM; for measuring it)
// Blocks run in linear order x fastest (blockIdx = linear % GRID_X, ...); a block's threads are
// numbered the same way (BLOCK_X * BLOCK_Y * BLOCK_Z <= WARPS * LANES).
module gpu_top #(
    parameter int WARPS = 4,
    parameter int LANES = 8,
    parameter int NREGS = 32,
    parameter int SHARED_WORDS = 1024,
    parameter int LOCAL_WORDS = 64,
    parameter int IMEM_WORDS = 4096,
    parameter int L1_LINES = 64
) (
    input  logic        clk,
    input  logic        rst,
    // Host control registers.
    input  logic        host_we,
    input  logic [4:0]  host_addr,
    input  logic [31:0] host_wdata,
    output logic [31:0] host_rdata,
    // Instruction memory load.
    input  logic        imem_we,
    input  logic [31:0] imem_addr,
    input  logic [63:0] imem_wdata,
    // The DRAM port (one 32-bit word per request, one request per cycle, answers in order a fixed
    // latency later).
    output logic        mem_req,
    output logic        mem_we,
    output logic [31:0] mem_addr,
    output logic [31:0] mem_wdata,
    output logic [3:0]  mem_strb,
    input  logic        mem_rsp,
    input  logic [31:0] mem_rdata,
    input  logic        mem_err,
    // Commit stream of the core.
    output logic                   commit,
    output logic [31:0]            commit_warp,
    output logic [31:0]            commit_block,
    output logic [31:0]            commit_pc,
    output logic [LANES-1:0]       commit_mask,
    output logic [7:0]             commit_rd,
    output logic [LANES*32-1:0]    commit_data   // lane l's value at bits 32*l +: 32
);
    localparam int IB = $clog2(IMEM_WORDS);

    logic [31:0] entry, end_pc, grid_x, block_x, params, param_bytes, shared_bytes, cycles;
    logic [31:0] grid_y, grid_z, block_y, block_z, local_bytes;
    logic [63:0] imem [IMEM_WORDS];
    logic launch;
    logic l1_bypass;

    // Launch registers: host writes; CONTROL=1 pulses `launch`.
    always_ff @(posedge clk) begin
        launch <= 1'b0;
        if (rst) begin
            entry <= '0; end_pc <= '0; grid_x <= '0; block_x <= '0;
            params <= '0; param_bytes <= '0; shared_bytes <= '0;
            grid_y <= 32'd1; grid_z <= 32'd1; block_y <= 32'd1; block_z <= 32'd1; local_bytes <= '0;
            l1_bypass <= 1'b0;
        end else if (host_we) begin
            case (host_addr)
                5'd0: entry <= host_wdata;
                5'd1: end_pc <= host_wdata;
                5'd2: grid_x <= host_wdata;
                5'd3: block_x <= host_wdata;
                5'd4: params <= host_wdata;
                5'd5: param_bytes <= host_wdata;
                5'd6: shared_bytes <= host_wdata;
                5'd7: launch <= host_wdata[0];
                5'd16: grid_y <= host_wdata;
                5'd17: grid_z <= host_wdata;
                5'd18: block_y <= host_wdata;
                5'd19: block_z <= host_wdata;
                5'd20: local_bytes <= host_wdata;
                5'd25: l1_bypass <= host_wdata[0];
                default: ;
            endcase
        end
        if (imem_we && imem_addr < IMEM_WORDS) imem[imem_addr[IB-1:0]] <= imem_wdata;
    end

    // ---- dispatcher and core -----------------------------------------------------------------
    logic core_start, core_busy, core_done, core_fault, disp_busy, disp_done;
    logic [31:0] block_id, ctaid_x, ctaid_y, ctaid_z, fetch_pc;
    logic [3:0]  fault_kind;
    logic [31:0] fault_pc, fault_warp, fault_lane, fault_addr;
    logic        c_req, c_we, c_rsp, c_err;          // the core's memory port, to the L1
    logic [31:0] c_addr, c_wdata, c_rdata;
    logic [3:0]  c_strb;

    dispatcher u_dispatcher (
        .clk, .rst, .launch, .grid_x, .grid_y, .grid_z, .core_done, .core_fault, .core_start, .block_id,
        .ctaid_x, .ctaid_y, .ctaid_z, .busy(disp_busy), .done(disp_done));

    core #(.WARPS(WARPS), .LANES(LANES), .NREGS(NREGS), .SHARED_WORDS(SHARED_WORDS), .LOCAL_WORDS(LOCAL_WORDS)) u_core (
        .clk, .rst, .entry, .end_pc, .block_dim(block_x), .block_dim_y(block_y), .block_dim_z(block_z),
        .grid_dim(grid_x), .grid_dim_y(grid_y), .grid_dim_z(grid_z), .ctaid_x, .ctaid_y, .ctaid_z,
        .local_bytes, .params_ptr(params),
        .param_bytes, .shared_bytes, .block_id, .clock(cycles), .start(core_start),
        .busy(core_busy), .done(core_done), .fault(core_fault), .fault_kind, .fault_pc, .fault_warp,
        .fault_lane, .fault_addr, .fetch_pc,
        .fetch_word(fetch_pc < IMEM_WORDS ? imem[fetch_pc[IB-1:0]] : 64'd0),
        .mem_req(c_req), .mem_we(c_we), .mem_addr(c_addr), .mem_wdata(c_wdata), .mem_strb(c_strb),
        .mem_rsp(c_rsp), .mem_rdata(c_rdata), .mem_err(c_err),
        .commit, .commit_warp, .commit_pc, .commit_mask, .commit_rd, .commit_data);

    assign commit_block = block_id;

    // ---- L1 data cache and memory controller (both cleared by the launch) ------------------------
    logic l1_req, l1_we, l1_rsp, l1_err;
    logic [31:0] l1_addr, l1_wdata, l1_rdata, l1_hits, l1_misses, mem_reads, mem_writes;
    logic [3:0]  l1_strb;
    l1_cache #(.LINES(L1_LINES)) u_l1 (
        .clk, .rst, .flush(launch), .bypass(l1_bypass),
        .c_req, .c_we, .c_addr, .c_wdata, .c_strb, .c_rsp, .c_rdata, .c_err,
        .m_req(l1_req), .m_we(l1_we), .m_addr(l1_addr), .m_wdata(l1_wdata), .m_strb(l1_strb),
        .m_rsp(l1_rsp), .m_rdata(l1_rdata), .m_err(l1_err), .hits(l1_hits), .misses(l1_misses));
    mem_ctrl u_mem_ctrl (
        .clk, .rst, .clear(launch), .req(l1_req), .we(l1_we), .addr(l1_addr), .wdata(l1_wdata), .strb(l1_strb),
        .rsp(l1_rsp), .rdata(l1_rdata), .err(l1_err),
        .dram_req(mem_req), .dram_we(mem_we), .dram_addr(mem_addr), .dram_wdata(mem_wdata), .dram_strb(mem_strb),
        .dram_rsp(mem_rsp), .dram_rdata(mem_rdata), .dram_err(mem_err), .reads(mem_reads), .writes(mem_writes));

    // Cycle counter of the current launch (also the clock special register).
    always_ff @(posedge clk)
        if (rst || launch) cycles <= '0;
        else if (disp_busy) cycles <= cycles + 1;

    always_comb
        case (host_addr)
            5'd0:  host_rdata = entry;
            5'd1:  host_rdata = end_pc;
            5'd2:  host_rdata = grid_x;
            5'd3:  host_rdata = block_x;
            5'd4:  host_rdata = params;
            5'd5:  host_rdata = param_bytes;
            5'd6:  host_rdata = shared_bytes;
            5'd8:  host_rdata = {29'd0, core_fault, disp_done, disp_busy | core_busy | launch};
            5'd9:  host_rdata = {28'd0, fault_kind};
            5'd10: host_rdata = fault_pc;
            5'd11: host_rdata = fault_warp;
            5'd12: host_rdata = fault_lane;
            5'd13: host_rdata = fault_addr;
            5'd14: host_rdata = block_id;
            5'd15: host_rdata = cycles;
            5'd16: host_rdata = grid_y;
            5'd17: host_rdata = grid_z;
            5'd18: host_rdata = block_y;
            5'd19: host_rdata = block_z;
            5'd20: host_rdata = local_bytes;
            5'd21: host_rdata = l1_hits;
            5'd22: host_rdata = l1_misses;
            5'd23: host_rdata = mem_reads;
            5'd24: host_rdata = mem_writes;
            5'd25: host_rdata = {31'd0, l1_bypass};
            default: host_rdata = 32'd0;
        endcase
endmodule
