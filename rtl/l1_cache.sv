// l1_cache.sv: a core's L1 data cache, between the core's one-word memory port and the memory
// controller. Direct-mapped, LINES lines of 16 bytes (4 words), write-through without write
// allocation: a write updates the line when it hits and always goes to memory; a read miss fills
// the whole line with 4 word requests issued back to back (the memory controller keeps them all in
// flight), then answers. One core request at a time (the core waits for each answer). The memory
// controller grants one client per cycle (m_gnt); a request not granted waits here (latched).
//
// Why results stay exactly the simulator's with several cores (one L1 each): the caches are
// write-through, and every write that passes the memory controller is snooped by the other L1s,
// which drop that line (snoop_we/snoop_addr); a line being filled when such a write passes is
// answered but not kept. So a valid line always equals memory during a launch, except for the
// cycle of the snoop itself, where a hit is ordered before the write. Reads of global atomics
// (`lock`, from the core) bypass the cache and read memory. The host writes memory only between
// launches, and `flush` (the launch pulse) invalidates every line. A line fill in which any word
// answers with an error (outside memory, below 256) is not kept; the core gets its own word's data
// and error, so out-of-bounds faults are unchanged.
//
// `bypass` sends every request to memory unchanged (for measuring the cache). Counters (cleared
// by `flush`): hits and misses count cached reads (loads, ldp); writes and atomics count in neither.
module l1_cache #(
    parameter int LINES = 64
) (
    input  logic        clk,
    input  logic        rst,
    input  logic        flush,      // invalidate every line, clear the counters
    input  logic        bypass,
    input  logic        lock,       // the core's request is a global atomic's: not cached
    // Writes by other cores as they pass the memory controller.
    input  logic        snoop_we,
    input  logic [31:0] snoop_addr,
    // From the core.
    input  logic        c_req,
    input  logic        c_we,
    input  logic [31:0] c_addr,
    input  logic [31:0] c_wdata,
    input  logic [3:0]  c_strb,
    output logic        c_rsp,
    output logic [31:0] c_rdata,
    output logic        c_err,
    // To the memory controller (accepts one request per cycle; answers in order).
    output logic        m_req,
    output logic        m_we,
    output logic [31:0] m_addr,
    output logic [31:0] m_wdata,
    output logic [3:0]  m_strb,
    input  logic        m_gnt,      // the memory controller takes m_req this cycle
    input  logic        m_rsp,
    input  logic [31:0] m_rdata,
    input  logic        m_err,
    output logic [31:0] hits,
    output logic [31:0] misses
);
    localparam int IB = $clog2(LINES);
    localparam int TW = 28 - IB;        // tag bits: address bits above index and offset

    localparam logic [1:0] C_IDLE = 2'd0, C_PASS = 2'd1, C_FILL = 2'd2, C_GNT = 2'd3;

    logic [1:0]    state;
    logic [LINES-1:0] valid;
    logic [TW-1:0] tags [LINES];
    logic [31:0]   data [LINES * 4];

    // The request being served (latched when it arrives).
    logic [31:0] q_addr, q_wdata;
    logic [3:0]  q_strb;
    logic        q_we;
    logic [2:0]  issued, received;      // line-fill words sent / answered
    logic        fill_err;              // some word of the fill answered with an error, or was snooped
    logic [31:0] want_data;             // the requested word, once its answer came
    logic        want_err;
    logic        rsp_q, err_q;
    logic [31:0] rdata_q;

    logic [IB-1:0] c_idx, q_idx, s_idx;
    logic [TW-1:0] c_tag;
    logic          c_hit, uncached, s_fill;
    assign c_idx = c_addr[IB+3:4];
    assign c_tag = c_addr[31:IB+4];
    assign q_idx = q_addr[IB+3:4];
    assign s_idx = snoop_addr[IB+3:4];
    assign c_hit = valid[c_idx] && tags[c_idx] == c_tag;
    assign uncached = bypass || lock;
    assign s_fill = snoop_we && snoop_addr[31:4] == q_addr[31:4];   // a write to the line being filled

    // Writes and uncached reads go through in the cycle the core shows them when the memory
    // controller grants it (else from C_GNT, latched); fills issue from C_FILL.
    logic pass_now;
    assign pass_now = state == C_IDLE && c_req && (c_we || uncached);
    assign m_req   = pass_now || state == C_GNT || (state == C_FILL && issued < 3'd4);
    assign m_we    = pass_now ? c_we : state == C_GNT && q_we;
    assign m_addr  = pass_now ? c_addr : state == C_GNT ? q_addr : {q_addr[31:4], issued[1:0], 2'b00};
    assign m_wdata = pass_now ? c_wdata : q_wdata;
    assign m_strb  = pass_now ? c_strb : state == C_GNT ? q_strb : 4'b1111;

    assign c_rsp   = rsp_q || (state == C_PASS && m_rsp);
    assign c_rdata = rsp_q ? rdata_q : m_rdata;
    assign c_err   = rsp_q ? err_q : m_err;

    // The line word a write hit updates, byte by byte.
    logic [31:0] merged;
    logic [31:0] old_word;
    assign old_word = data[{c_idx, c_addr[3:2]}];
    always_comb begin
        merged = old_word;
        if (c_strb[0]) merged[7:0]   = c_wdata[7:0];
        if (c_strb[1]) merged[15:8]  = c_wdata[15:8];
        if (c_strb[2]) merged[23:16] = c_wdata[23:16];
        if (c_strb[3]) merged[31:24] = c_wdata[31:24];
    end

    always_ff @(posedge clk) begin
        rsp_q <= 1'b0;
        if (rst || flush) begin
            state <= C_IDLE;
            valid <= '0;
            hits <= '0;
            misses <= '0;
        end else begin
            case (state)
                C_IDLE: if (c_req) begin
                    q_addr <= c_addr;
                    q_we <= c_we;
                    q_wdata <= c_wdata;
                    q_strb <= c_strb;
                    if (c_we || uncached) begin
                        if (c_we && c_hit && !bypass) data[{c_idx, c_addr[3:2]}] <= merged;
                        state <= m_gnt ? C_PASS : C_GNT;
                    end else if (c_hit) begin
                        hits <= hits + 1;
                        rsp_q <= 1'b1;
                        rdata_q <= data[{c_idx, c_addr[3:2]}];
                        err_q <= 1'b0;
                    end else begin
                        misses <= misses + 1;
                        valid[c_idx] <= 1'b0;   // its words are being replaced
                        issued <= 3'd0;
                        received <= 3'd0;
                        fill_err <= 1'b0;
                        state <= C_FILL;
                    end
                end
                C_GNT: if (m_gnt) state <= C_PASS;
                C_PASS: if (m_rsp) state <= C_IDLE;
                C_FILL: begin
                    if (issued < 3'd4 && m_gnt) issued <= issued + 1'b1;
                    if (s_fill) fill_err <= 1'b1;
                    if (m_rsp) begin
                        data[{q_idx, received[1:0]}] <= m_rdata;
                        if (received[1:0] == q_addr[3:2]) begin
                            want_data <= m_rdata;
                            want_err <= m_err;
                        end
                        received <= received + 1'b1;
                        if (received == 3'd3) begin
                            valid[q_idx] <= !(fill_err || m_err || s_fill);
                            tags[q_idx] <= q_addr[31:IB+4];
                            rsp_q <= 1'b1;
                            rdata_q <= q_addr[3:2] == 2'd3 ? m_rdata : want_data;
                            err_q <= q_addr[3:2] == 2'd3 ? m_err : want_err;
                            state <= C_IDLE;
                        end else if (m_err) fill_err <= 1'b1;
                    end
                end
                default: state <= C_IDLE;
            endcase
            // Another core's write drops the line (after the case: it wins over a fill's valid).
            if (snoop_we && tags[s_idx] == snoop_addr[31:IB+4]) valid[s_idx] <= 1'b0;
        end
    end
endmodule
