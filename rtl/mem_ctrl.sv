// mem_ctrl.sv: the memory controller, owner of the GPU's single DRAM port (the harness's DRAM
// model, rtl/harness/tg_rtl.cpp). Its clients are the cores' L1 caches (N of them, flat vectors:
// client i's address at addr[32 * i +: 32]). Each cycle it grants one requesting client
// (round-robin from the one after the last granted) and puts that request on the DRAM port in the
// same cycle; the DRAM performs it then and answers every request, in order, a fixed latency later
// (TGPU_RTL_DRAM_LATENCY cycles, default 20), keeping any number in flight, so the 4 word requests
// of a line fill overlap, and so do different clients' requests. A queue of client numbers, in
// request order, routes each answer back (a client has at most 4 requests in flight).
//
// Ordering across cores: the DRAM model performs requests in the order granted, so memory has one
// order. A write granted here is shown to the other clients (snoop_we/snoop_addr/snoop_client)
// so their L1s drop the line. A client whose `lock` is up (its core is running a global atomic
// warp-instruction) becomes the owner at its first granted request and, until its lock drops (at
// the atomic's commit), is the only client granted: the atomic's lanes read and write with no
// other core's access between them, as the simulator runs the whole warp-instruction at once.
// Counts the requests it sends (cleared by `clear`, the launch).
module mem_ctrl #(
    parameter int N = 1
) (
    input  logic            clk,
    input  logic            rst,
    input  logic            clear,
    // From the L1 caches.
    input  logic [N-1:0]    req,
    input  logic [N-1:0]    we,
    input  logic [N*32-1:0] addr,
    input  logic [N*32-1:0] wdata,
    input  logic [N*4-1:0]  strb,
    input  logic [N-1:0]    lock,
    output logic [N-1:0]    gnt,
    output logic [N-1:0]    rsp,
    output logic [31:0]     rdata,    // to every client; rsp says whose it is
    output logic            err,
    output logic            snoop_we,
    output logic [31:0]     snoop_addr,
    output logic [31:0]     snoop_client,
    // The DRAM port.
    output logic            dram_req,
    output logic            dram_we,
    output logic [31:0]     dram_addr,
    output logic [31:0]     dram_wdata,
    output logic [3:0]      dram_strb,
    input  logic            dram_rsp,
    input  logic [31:0]     dram_rdata,
    input  logic            dram_err,
    output logic [31:0]     reads,
    output logic [31:0]     writes
);
    localparam int QB = $clog2(4 * N + 1);     // queue index bits: room for 4 requests per client
    localparam int QD = 1 << QB;

    logic [31:0] last, sel, owner;
    logic        owned, any;
    logic [31:0] q [QD];                       // client of each request in flight, oldest at head
    logic [QB-1:0] head, tail;

    // Round-robin pick among the requesting clients; only the owner while one holds the memory.
    logic [N-1:0] eligible;
    always_comb begin
        eligible = req;
        if (owned) begin
            eligible = '0;
            eligible[owner] = req[owner];
        end
    end
    rr_arbiter #(.N(N)) u_arb (.req(eligible), .last, .any, .sel, .gnt);

    assign dram_req   = any;
    assign dram_we    = we[sel];
    assign dram_addr  = addr[32 * sel +: 32];
    assign dram_wdata = wdata[32 * sel +: 32];
    assign dram_strb  = strb[4 * sel +: 4];
    assign snoop_we     = any && we[sel];
    assign snoop_addr   = dram_addr;
    assign snoop_client = sel;

    always_comb begin
        rsp = '0;
        if (dram_rsp) rsp[q[head]] = 1'b1;
    end
    assign rdata = dram_rdata;
    assign err   = dram_err;

    always_ff @(posedge clk)
        if (rst || clear) begin
            reads <= '0;
            writes <= '0;
            head <= '0;
            tail <= '0;
            last <= 32'(N - 1);
            owned <= 1'b0;
            owner <= '0;
        end else begin
            if (any) begin
                if (we[sel]) writes <= writes + 1;
                else reads <= reads + 1;
                q[tail] <= sel;
                tail <= tail + 1'b1;
                last <= sel;
            end
            if (dram_rsp) head <= head + 1'b1;
            if (owned && !lock[owner]) owned <= 1'b0;
            else if (!owned && any && lock[sel]) begin
                owned <= 1'b1;
                owner <= sel;
            end
        end
endmodule
