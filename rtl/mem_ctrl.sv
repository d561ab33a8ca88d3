// mem_ctrl.sv: the memory controller, owner of the GPU's single DRAM port (the harness's DRAM
// model, rtl/harness/tg_rtl.cpp). It takes one word request per cycle from the L1 cache and puts it
// on the DRAM port in the same cycle; the DRAM answers every request, in order, a fixed latency
// later (TGPU_RTL_DRAM_LATENCY cycles, default 20), and keeps any number in flight, so the 4 word
// requests of a line fill overlap. Counts the requests it sends (cleared by `clear`, the launch).
// The one client today is the L1; more clients (an instruction cache, more cores) would be
// arbitrated here.
module mem_ctrl (
    input  logic        clk,
    input  logic        rst,
    input  logic        clear,
    // From the L1 cache.
    input  logic        req,
    input  logic        we,
    input  logic [31:0] addr,
    input  logic [31:0] wdata,
    input  logic [3:0]  strb,
    output logic        rsp,
    output logic [31:0] rdata,
    output logic        err,
    // The DRAM port.
    output logic        dram_req,
    output logic        dram_we,
    output logic [31:0] dram_addr,
    output logic [31:0] dram_wdata,
    output logic [3:0]  dram_strb,
    input  logic        dram_rsp,
    input  logic [31:0] dram_rdata,
    input  logic        dram_err,
    output logic [31:0] reads,
    output logic [31:0] writes
);
    assign dram_req   = req;
    assign dram_we    = we;
    assign dram_addr  = addr;
    assign dram_wdata = wdata;
    assign dram_strb  = strb;
    assign rsp   = dram_rsp;
    assign rdata = dram_rdata;
    assign err   = dram_err;

    always_ff @(posedge clk)
        if (rst || clear) begin
            reads <= '0;
            writes <= '0;
        end else if (req) begin
            if (we) writes <= writes + 1;
            else reads <= reads + 1;
        end
endmodule
