// fdivsqrt.sv: f32 division a / b and square root sqrt(a), correctly rounded (round to nearest
// even), denormal inputs and results kept, any NaN result the canonical 0x7fffffff: the simulator's
// C `/` and sqrtf (sim/exec_float.c). Multi-cycle: the start cycle latches the operands (special
// cases: NaN, inf, zero, negative square root, answer at once); then STEP quotient/root bits per
// cycle by restoring long division or digit-by-digit square root, 28 bits in all; done pulses with
// the rounded result. With STEP = 4: done 8 cycles after start (1 for a special case).
module fdivsqrt #(
    parameter int STEP = 4            // result bits per cycle; must divide 28
) (
    input  logic        clk,
    input  logic        rst,
    input  logic        start,        // one cycle: latch a, b, is_sqrt
    input  logic        is_sqrt,
    input  logic [31:0] a,
    input  logic [31:0] b,
    output logic        done,         // one-cycle pulse; result valid while it is high
    output logic [31:0] result
);
    `include "f32_class.svh"
    localparam int NBITS = 28;        // quotient/root bits: MSB at bit 27 or 26, then round + sticky


    // Significand normalized to [2^23, 2^24) and the weight of its LSB: x = sig * 2^lsbexp.
    function automatic logic [23:0] norm_sig(input logic [31:0] x);
        logic [23:0] m;
        m = {x[30:23] != 8'd0, x[22:0]};
        for (integer i = 0; i < 23; i++) if (!m[23]) m = m << 1;
        norm_sig = m;
    endfunction
    function automatic logic signed [12:0] norm_exp(input logic [31:0] x);
        logic [23:0] m;
        logic signed [12:0] e;
        m = {x[30:23] != 8'd0, x[22:0]};
        e = x[30:23] == 8'd0 ? -13'sd149 : $signed({5'd0, x[30:23]}) - 13'sd150;
        for (integer i = 0; i < 23; i++) if (!m[23]) begin m = m << 1; e = e - 13'sd1; end
        norm_exp = e;
    endfunction

    // value = m * 2^x (m: MSB at bit 27 or 26), plus a sticky bit for the bits below m: rounded to
    // nearest even into f32 (denormal results shift further right; overflow gives infinity).
    function automatic logic [31:0] round_pack(input logic sign, input logic signed [12:0] x,
                                               input logic [27:0] m, input logic sticky_in);
        logic [26:0] mm;
        logic st, rb;
        logic signed [12:0] be, sh;
        logic [24:0] mant;
        logic [31:0] bits;
        if (m[27]) begin mm = m[27:1]; st = sticky_in | m[0]; be = x + 13'sd154; end
        else begin mm = m[26:0]; st = sticky_in; be = x + 13'sd153; end
        // mm is 1.f x 2^(be - 127) with 26 fraction bits; biased exponent be.
        if (be >= 13'sd1) begin
            mant = {1'b0, mm[26:3]};
            rb = mm[2];
            st = st | (mm[1:0] != 2'd0);
        end else begin
            sh = 13'sd1 - be;                       // extra right shift into the denormal range
            if (sh > 13'sd24) begin mant = '0; rb = 1'b0; st = 1'b1; end
            else begin
                mant = 25'(mm >> (sh[4:0] + 5'd3));
                rb = mm[sh[4:0] + 5'd2];
                st = st | ((mm & ((27'd1 << (sh[4:0] + 5'd2)) - 27'd1)) != 27'd0);
            end
        end
        if (rb && (st || mant[0])) mant = mant + 25'd1;
        if (be >= 13'sd255) bits = 32'h7f80_0000;
        else begin
            // normal: (be - 1) << 23 plus the significand with its hidden bit; a rounding carry
            // moves into the exponent by itself. denormal: the significand alone.
            bits = (be >= 13'sd1 ? {1'b0, be[7:0] - 8'd1, 23'd0} : 32'd0) + {7'd0, mant};
            if (bits >= 32'h7f80_0000) bits = 32'h7f80_0000;
        end
        round_pack = {sign, bits[30:0]};
    endfunction

    logic        busy, sq, sign;
    logic [4:0]  cnt;                 // STEP-bit steps left
    logic signed [12:0] xexp;         // weight of the result's bit 0
    logic [23:0] dvs;                 // divisor significand
    logic [31:0] rem;                 // partial remainder
    logic [27:0] q;                   // quotient / root bits so far
    logic [55:0] rad;                 // square root: radicand bits not yet brought down

    // STEP bits of the current operation (combinational, from the registers).
    logic [31:0] rem_n;
    logic [27:0] q_n;
    logic [55:0] rad_n;
    always_comb begin
        logic [31:0] trial;
        trial = '0;
        rem_n = rem;
        q_n = q;
        rad_n = rad;
        for (integer i = 0; i < STEP; i++) begin
            if (sq) begin
                rem_n = {rem_n[29:0], rad_n[55:54]};
                rad_n = rad_n << 2;
                trial = {2'd0, q_n, 2'b01};
                if (rem_n >= trial) begin rem_n = rem_n - trial; q_n = {q_n[26:0], 1'b1}; end
                else q_n = {q_n[26:0], 1'b0};
            end else begin
                if (rem_n >= {8'd0, dvs}) begin rem_n = rem_n - {8'd0, dvs}; q_n = {q_n[26:0], 1'b1}; end
                else q_n = {q_n[26:0], 1'b0};
                rem_n = rem_n << 1;
            end
        end
    end

    // Operands normalized (denormals too): a = ma * 2^ea, b = mb * 2^eb; square root: a = m2 * 2^e2
    // with e2 even.
    logic [23:0] ma, mb;
    logic signed [12:0] ea, eb, e2;
    logic [24:0] m2;
    assign ma = norm_sig(a);
    assign mb = norm_sig(b);
    assign ea = norm_exp(a);
    assign eb = norm_exp(b);
    assign m2 = ea[0] ? {ma, 1'b0} : {1'b0, ma};
    assign e2 = ea[0] ? ea - 13'sd1 : ea;

    always_ff @(posedge clk) begin
        done <= 1'b0;
        if (rst) busy <= 1'b0;
        else if (start) begin
            sq <= is_sqrt;
            q <= '0;
            busy <= 1'b0;
            cnt <= 5'(NBITS / STEP);
            if (is_sqrt) begin
                sign <= 1'b0;
                // sqrt(m * 2^e) with e even: radicand m << 30 gives a 28-bit root (MSB 26 or 27).
                rad <= {1'b0, m2, 30'd0};
                rem <= '0;
                xexp <= (e2 - 13'sd30) >>> 1;
                if (is_nan(a) || (a[31] && !is_zero(a))) begin result <= CANON_NAN; done <= 1'b1; end
                else if (is_zero(a) || is_inf(a)) begin result <= a; done <= 1'b1; end
                else busy <= 1'b1;
            end else begin
                sign <= a[31] ^ b[31];
                // a / b = (ma * 2^27 / mb) * 2^(ea - eb - 27): 28 quotient bits, MSB 27 or 26.
                dvs <= mb;
                rem <= {8'd0, ma};
                xexp <= ea - eb - 13'sd27;
                if (is_nan(a) || is_nan(b) || (is_inf(a) && is_inf(b)) || (is_zero(a) && is_zero(b))) begin
                    result <= CANON_NAN; done <= 1'b1;
                end else if (is_inf(a) || is_zero(b)) begin
                    result <= {a[31] ^ b[31], 31'h7f80_0000}; done <= 1'b1;
                end else if (is_zero(a) || is_inf(b)) begin
                    result <= {a[31] ^ b[31], 31'd0}; done <= 1'b1;
                end else busy <= 1'b1;
            end
        end else if (busy) begin
            rem <= rem_n;
            q <= q_n;
            rad <= rad_n;
            cnt <= cnt - 5'd1;
            if (cnt == 5'd1) begin
                busy <= 1'b0;
                done <= 1'b1;
                result <= round_pack(sign, xexp, q_n, rem_n != 32'd0);
            end
        end
    end
endmodule
