// gpu_top.sv: the TG32 GPU as the host sees it (bare-metal interface). The host loads code through
// the instruction-memory write port, writes the launch registers, writes 1 to CONTROL, and polls
// STATUS until done or fault. Inside: the dispatcher, one core, the instruction memory, and the
// core's memory port passed straight out to the DRAM model (in the Verilator harness).
//
// Registers (host_addr = word index):
//   0 ENTRY        kernel entry pc (instruction index)    1 END          one past the last instruction
//   2 GRID_X       blocks in the grid                     3 BLOCK_X      threads per block (<= 32)
//   4 PARAMS       device address of the parameter block  5 PARAM_BYTES  its size
//   6 SHARED_BYTES static shared memory per block         7 CONTROL      write 1: start the launch
//   8 STATUS       bit0 busy, bit1 done, bit2 fault       9 FAULT_KIND   sim's tg_fault_kind; 15 unimplemented
//  10 FAULT_PC    11 FAULT_WARP   12 FAULT_LANE   13 FAULT_ADDR   14 FAULT_BLOCK   15 CYCLES (of the launch)
module gpu_top #(
    parameter int WARPS = 4,
    parameter int LANES = 8,
    parameter int NREGS = 32,
    parameter int SHARED_WORDS = 1024,
    parameter int IMEM_WORDS = 4096
) (
    input  logic        clk,
    input  logic        rst,
    // Host control registers.
    input  logic        host_we,
    input  logic [3:0]  host_addr,
    input  logic [31:0] host_wdata,
    output logic [31:0] host_rdata,
    // Instruction memory load.
    input  logic        imem_we,
    input  logic [31:0] imem_addr,
    input  logic [63:0] imem_wdata,
    // Memory port to DRAM (one 32-bit word per request; response one or more cycles later).
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
    output logic [LANES-1:0][31:0] commit_data
);
    localparam int IB = $clog2(IMEM_WORDS);

    logic [31:0] entry, end_pc, grid_x, block_x, params, param_bytes, shared_bytes, cycles;
    logic [63:0] imem [IMEM_WORDS];
    logic launch;

    // Launch registers: host writes; CONTROL=1 pulses `launch`.
    always_ff @(posedge clk) begin
        launch <= 1'b0;
        if (rst) begin
            entry <= '0; end_pc <= '0; grid_x <= '0; block_x <= '0;
            params <= '0; param_bytes <= '0; shared_bytes <= '0;
        end else if (host_we) begin
            case (host_addr)
                4'd0: entry <= host_wdata;
                4'd1: end_pc <= host_wdata;
                4'd2: grid_x <= host_wdata;
                4'd3: block_x <= host_wdata;
                4'd4: params <= host_wdata;
                4'd5: param_bytes <= host_wdata;
                4'd6: shared_bytes <= host_wdata;
                4'd7: launch <= host_wdata[0];
                default: ;
            endcase
        end
        if (imem_we && imem_addr < IMEM_WORDS) imem[imem_addr[IB-1:0]] <= imem_wdata;
    end

    // ---- dispatcher and core -----------------------------------------------------------------
    logic core_start, core_busy, core_done, core_fault, disp_busy, disp_done;
    logic [31:0] block_id, fetch_pc;
    logic [3:0]  fault_kind;
    logic [31:0] fault_pc, fault_warp, fault_lane, fault_addr;

    dispatcher u_dispatcher (
        .clk, .rst, .launch, .grid_dim(grid_x), .core_done, .core_fault, .core_start, .block_id,
        .busy(disp_busy), .done(disp_done));

    core #(.WARPS(WARPS), .LANES(LANES), .NREGS(NREGS), .SHARED_WORDS(SHARED_WORDS)) u_core (
        .clk, .rst, .entry, .end_pc, .block_dim(block_x), .grid_dim(grid_x), .params_ptr(params),
        .param_bytes, .shared_bytes, .block_id, .clock(cycles), .start(core_start),
        .busy(core_busy), .done(core_done), .fault(core_fault), .fault_kind, .fault_pc, .fault_warp,
        .fault_lane, .fault_addr, .fetch_pc,
        .fetch_word(fetch_pc < IMEM_WORDS ? imem[fetch_pc[IB-1:0]] : 64'd0),
        .mem_req, .mem_we, .mem_addr, .mem_wdata, .mem_strb, .mem_rsp, .mem_rdata, .mem_err,
        .commit, .commit_warp, .commit_pc, .commit_mask, .commit_rd, .commit_data);

    assign commit_block = block_id;

    // Cycle counter of the current launch (also the clock special register).
    always_ff @(posedge clk)
        if (rst || launch) cycles <= '0;
        else if (disp_busy) cycles <= cycles + 1;

    always_comb
        case (host_addr)
            4'd0:  host_rdata = entry;
            4'd1:  host_rdata = end_pc;
            4'd2:  host_rdata = grid_x;
            4'd3:  host_rdata = block_x;
            4'd4:  host_rdata = params;
            4'd5:  host_rdata = param_bytes;
            4'd6:  host_rdata = shared_bytes;
            4'd8:  host_rdata = {29'd0, core_fault, disp_done, disp_busy | core_busy | launch};
            4'd9:  host_rdata = {28'd0, fault_kind};
            4'd10: host_rdata = fault_pc;
            4'd11: host_rdata = fault_warp;
            4'd12: host_rdata = fault_lane;
            4'd13: host_rdata = fault_addr;
            4'd14: host_rdata = block_id;
            4'd15: host_rdata = cycles;
            default: host_rdata = 32'd0;
        endcase
endmodule
