// sfu.sv: the multi-cycle f32 unit of the lane-serial core: fdiv and fsqrt (sim/exec_float.c) and
// the SFU functions rcp rsq ex2 lg2 sin cos tanh (sim/exec_sfu.c, docs/isa-semantics.md), bit for
// bit. Each function is the simulator's fixed sequence of f32 steps, run here as a small microcode
// program, one step per cycle: fused multiply-adds on an instance of fpu.sv's exact fused unit
// (mul = fma(a, b, -0), add = fma(a, 1, b), both exact sums rounded once as in C), divisions and
// square roots on fdivsqrt.sv, and integer steps (round to integer, exponent assembly, log2's range
// reduction). Special inputs (NaN, inf, zero, out of range) answer in the start cycle.
//
// Handshake: start (one cycle, op/a/b valid) -> done (one-cycle pulse with result). `supported` says
// combinationally whether op is one of this unit's.
module sfu (
    input  logic        clk,
    input  logic        rst,
    input  logic        start,
    input  logic [6:0]  op,
    input  logic [31:0] a,
    input  logic [31:0] b,
    output logic        supported,
    output logic        done,
    output logic [31:0] result
);
    `include "f32_class.svh"
    // Opcodes (isa/tg32.def, as tg32_defs.svh spells them; tests/sh/rtl_checks.sh checks they agree).
    localparam logic [6:0] OP_FFMA = 7'h33, OP_FDIV = 7'h38, OP_FSQRT = 7'h39, OP_RCP = 7'h40,
                           OP_RSQ = 7'h41, OP_EX2 = 7'h42, OP_LG2 = 7'h43, OP_SIN = 7'h44,
                           OP_COS = 7'h45, OP_TANH = 7'h46;
    localparam logic [31:0] ONE = 32'h3f80_0000, NEG_ONE = 32'hbf80_0000,
                            NEG_ZERO = 32'h8000_0000, TWO = 32'h4000_0000, PINF = 32'h7f80_0000;

    // Microcode step: kind, three operand sources, destination, last (its value, transformed as
    // the function's output, is the result), br (sin/cos: go to the cos polynomial when the
    // quadrant is odd), and two constants.
    localparam logic [2:0] K_FMA = 3'd0, K_DIV = 3'd1, K_SQRT = 3'd2, K_RINT = 3'd3, K_LG2 = 3'd4,
                           K_EXPA = 3'd5;
    localparam logic [2:0] S_P = 3'd0, S_R = 3'd1, S_S = 3'd2, S_X = 3'd3, S_T = 3'd4, S_K1 = 3'd5,
                           S_K2 = 3'd6;
    localparam logic [2:0] D_P = 3'd0, D_R = 3'd1, D_S = 3'd2, D_X = 3'd3, D_T = 3'd4;
    localparam int UW = 3 + 3 * 3 + 3 + 2 + 64;
    // Program entry points.
    localparam logic [6:0] PC_FDIV = 7'd0, PC_FSQRT = 7'd1, PC_RCP = 7'd2, PC_RSQ = 7'd3,
                           PC_EX2 = 7'd5, PC_LG2 = 7'd15, PC_SINCOS = 7'd29, PC_COSP = 7'd39,
                           PC_TANH_SMALL = 7'd44, PC_TANH_BIG = 7'd57;

    function automatic logic [UW-1:0] U(input logic [2:0] kind, input logic [2:0] sa,
                                        input logic [2:0] sb, input logic [2:0] sc,
                                        input logic [2:0] dst, input logic last,
                                        input logic [31:0] k1, input logic [31:0] k2);
        U = {kind, sa, sb, sc, dst, last, 1'b0, k1, k2};
    endfunction

    // The programs: each line is the C statement of sim/exec_sfu.c it performs.
    function automatic logic [UW-1:0] ucode(input logic [6:0] pc);
        case (pc)
            // fdiv, fsqrt: a / b, sqrtf(a)
            7'd0:  ucode = U(K_DIV,  S_X,  S_T,  S_X,  D_P, 1'b1, 32'd0, 32'd0);
            7'd1:  ucode = U(K_SQRT, S_X,  S_X,  S_X,  D_P, 1'b1, 32'd0, 32'd0);
            // rcp: 1.0f / x
            7'd2:  ucode = U(K_DIV,  S_K1, S_X,  S_X,  D_P, 1'b1, ONE, 32'd0);
            // rsq: 1.0f / sqrtf(x)
            7'd3:  ucode = U(K_SQRT, S_X,  S_X,  S_X,  D_S, 1'b0, 32'd0, 32'd0);
            7'd4:  ucode = U(K_DIV,  S_K1, S_S,  S_X,  D_P, 1'b1, ONE, 32'd0);
            // ex2: i = rintf(x); r = x - i; Horner (7 fmaf); exponent += i
            7'd5:  ucode = U(K_RINT, S_X,  S_X,  S_X,  D_T, 1'b0, 32'd0, 32'd0);
            7'd6:  ucode = U(K_FMA,  S_T,  S_K1, S_X,  D_R, 1'b0, NEG_ONE, 32'd0);
            7'd7:  ucode = U(K_FMA,  S_K1, S_R,  S_K2, D_P, 1'b0, 32'h377fe5fe, 32'h39218489);
            7'd8:  ucode = U(K_FMA,  S_P,  S_R,  S_K1, D_P, 1'b0, 32'h3aaec3ff, 32'd0);
            7'd9:  ucode = U(K_FMA,  S_P,  S_R,  S_K1, D_P, 1'b0, 32'h3c1d955b, 32'd0);
            7'd10: ucode = U(K_FMA,  S_P,  S_R,  S_K1, D_P, 1'b0, 32'h3d635847, 32'd0);
            7'd11: ucode = U(K_FMA,  S_P,  S_R,  S_K1, D_P, 1'b0, 32'h3e75fdf0, 32'd0);
            7'd12: ucode = U(K_FMA,  S_P,  S_R,  S_K1, D_P, 1'b0, 32'h3f317218, 32'd0);
            7'd13: ucode = U(K_FMA,  S_P,  S_R,  S_K1, D_P, 1'b0, ONE, 32'd0);
            7'd14: ucode = U(K_EXPA, S_P,  S_P,  S_P,  D_P, 1'b1, 32'd0, 32'd0);
            // lg2: reduce to m in [sqrt(1/2), sqrt(2)] and e; t = m - 1; q: 11 fmaf; fmaf(t, q, e)
            7'd15: ucode = U(K_LG2,  S_X,  S_X,  S_X,  D_R, 1'b0, 32'd0, 32'd0);
            7'd16: ucode = U(K_FMA,  S_R,  S_K1, S_K2, D_R, 1'b0, ONE, NEG_ONE);
            7'd17: ucode = U(K_FMA,  S_K1, S_R,  S_K2, D_P, 1'b0, 32'hbdac5fa0, 32'h3e1d0455);
            7'd18: ucode = U(K_FMA,  S_P,  S_R,  S_K1, D_P, 1'b0, 32'hbe2105a5, 32'd0);
            7'd19: ucode = U(K_FMA,  S_P,  S_R,  S_K1, D_P, 1'b0, 32'h3e2329be, 32'd0);
            7'd20: ucode = U(K_FMA,  S_P,  S_R,  S_K1, D_P, 1'b0, 32'hbe37593e, 32'd0);
            7'd21: ucode = U(K_FMA,  S_P,  S_R,  S_K1, D_P, 1'b0, 32'h3e5303e8, 32'd0);
            7'd22: ucode = U(K_FMA,  S_P,  S_R,  S_K1, D_P, 1'b0, 32'hbe764657, 32'd0);
            7'd23: ucode = U(K_FMA,  S_P,  S_R,  S_K1, D_P, 1'b0, 32'h3e93bbb7, 32'd0);
            7'd24: ucode = U(K_FMA,  S_P,  S_R,  S_K1, D_P, 1'b0, 32'hbeb8aa1d, 32'd0);
            7'd25: ucode = U(K_FMA,  S_P,  S_R,  S_K1, D_P, 1'b0, 32'h3ef6384e, 32'd0);
            7'd26: ucode = U(K_FMA,  S_P,  S_R,  S_K1, D_P, 1'b0, 32'hbf38aa3b, 32'd0);
            7'd27: ucode = U(K_FMA,  S_P,  S_R,  S_K1, D_P, 1'b0, 32'h3fb8aa3b, 32'd0);
            7'd28: ucode = U(K_FMA,  S_R,  S_P,  S_T,  D_P, 1'b1, 32'd0, 32'd0);
            // sin, cos: k = rintf(x * 2/pi) (quadrant + 1 for cos); r = x - k pi/2 in two fmaf;
            // s = r*r; the sin or the cos polynomial by the quadrant's parity
            7'd29: ucode = U(K_FMA,  S_X,  S_K1, S_K2, D_T, 1'b0, 32'h3f22f983, NEG_ZERO);
            7'd30: ucode = U(K_RINT, S_T,  S_T,  S_T,  D_T, 1'b0, 32'd0, 32'd0);
            7'd31: ucode = U(K_FMA,  S_T,  S_K1, S_X,  D_R, 1'b0, 32'hbfc90fdb, 32'd0);
            7'd32: ucode = U(K_FMA,  S_T,  S_K1, S_R,  D_R, 1'b0, 32'h333bbd2e, 32'd0);
            7'd33: ucode = U(K_FMA,  S_R,  S_R,  S_K1, D_S, 1'b0, NEG_ZERO, 32'd0) | UW'(1) << 64;
            7'd34: ucode = U(K_FMA,  S_S,  S_K1, S_K2, D_P, 1'b0, 32'h3638ef1d, 32'hb9500d01);
            7'd35: ucode = U(K_FMA,  S_P,  S_S,  S_K1, D_P, 1'b0, 32'h3c088889, 32'd0);
            7'd36: ucode = U(K_FMA,  S_P,  S_S,  S_K1, D_P, 1'b0, 32'hbe2aaaab, 32'd0);
            7'd37: ucode = U(K_FMA,  S_R,  S_S,  S_K1, D_T, 1'b0, NEG_ZERO, 32'd0);
            7'd38: ucode = U(K_FMA,  S_T,  S_P,  S_R,  D_P, 1'b1, 32'd0, 32'd0);
            7'd39: ucode = U(K_FMA,  S_S,  S_K1, S_K2, D_P, 1'b0, 32'hb493f27e, 32'h37d00d01);
            7'd40: ucode = U(K_FMA,  S_P,  S_S,  S_K1, D_P, 1'b0, 32'hbab60b61, 32'd0);
            7'd41: ucode = U(K_FMA,  S_P,  S_S,  S_K1, D_P, 1'b0, 32'h3d2aaaab, 32'd0);
            7'd42: ucode = U(K_FMA,  S_P,  S_S,  S_K1, D_P, 1'b0, 32'hbf000000, 32'd0);
            7'd43: ucode = U(K_FMA,  S_S,  S_P,  S_K1, D_P, 1'b1, ONE, 32'd0);
            // tanh, |x| < 0.5: y = 2a; expm1(y) = y * p(y) (Taylor, 10 fmaf); t = em1 / (em1 + 2)
            7'd44: ucode = U(K_FMA,  S_X,  S_K1, S_K2, D_T, 1'b0, TWO, NEG_ZERO);
            7'd45: ucode = U(K_FMA,  S_K1, S_T,  S_K2, D_P, 1'b0, 32'h3493f27e, 32'h3638ef1d);
            7'd46: ucode = U(K_FMA,  S_P,  S_T,  S_K1, D_P, 1'b0, 32'h37d00d01, 32'd0);
            7'd47: ucode = U(K_FMA,  S_P,  S_T,  S_K1, D_P, 1'b0, 32'h39500d01, 32'd0);
            7'd48: ucode = U(K_FMA,  S_P,  S_T,  S_K1, D_P, 1'b0, 32'h3ab60b61, 32'd0);
            7'd49: ucode = U(K_FMA,  S_P,  S_T,  S_K1, D_P, 1'b0, 32'h3c088889, 32'd0);
            7'd50: ucode = U(K_FMA,  S_P,  S_T,  S_K1, D_P, 1'b0, 32'h3d2aaaab, 32'd0);
            7'd51: ucode = U(K_FMA,  S_P,  S_T,  S_K1, D_P, 1'b0, 32'h3e2aaaab, 32'd0);
            7'd52: ucode = U(K_FMA,  S_P,  S_T,  S_K1, D_P, 1'b0, 32'h3f000000, 32'd0);
            7'd53: ucode = U(K_FMA,  S_P,  S_T,  S_K1, D_P, 1'b0, ONE, 32'd0);
            7'd54: ucode = U(K_FMA,  S_P,  S_T,  S_K1, D_P, 1'b0, NEG_ZERO, 32'd0);
            7'd55: ucode = U(K_FMA,  S_P,  S_K1, S_K2, D_S, 1'b0, ONE, TWO);
            7'd56: ucode = U(K_DIV,  S_P,  S_S,  S_X,  D_P, 1'b1, 32'd0, 32'd0);
            // tanh, otherwise: e = ex2(a * 2 log2 e) (steps 5-14 again); t = 1 - 2 / (e + 1)
            7'd57: ucode = U(K_FMA,  S_X,  S_K1, S_K2, D_X, 1'b0, 32'h4038aa3b, NEG_ZERO);
            7'd58: ucode = U(K_RINT, S_X,  S_X,  S_X,  D_T, 1'b0, 32'd0, 32'd0);
            7'd59: ucode = U(K_FMA,  S_T,  S_K1, S_X,  D_R, 1'b0, NEG_ONE, 32'd0);
            7'd60: ucode = U(K_FMA,  S_K1, S_R,  S_K2, D_P, 1'b0, 32'h377fe5fe, 32'h39218489);
            7'd61: ucode = U(K_FMA,  S_P,  S_R,  S_K1, D_P, 1'b0, 32'h3aaec3ff, 32'd0);
            7'd62: ucode = U(K_FMA,  S_P,  S_R,  S_K1, D_P, 1'b0, 32'h3c1d955b, 32'd0);
            7'd63: ucode = U(K_FMA,  S_P,  S_R,  S_K1, D_P, 1'b0, 32'h3d635847, 32'd0);
            7'd64: ucode = U(K_FMA,  S_P,  S_R,  S_K1, D_P, 1'b0, 32'h3e75fdf0, 32'd0);
            7'd65: ucode = U(K_FMA,  S_P,  S_R,  S_K1, D_P, 1'b0, 32'h3f317218, 32'd0);
            7'd66: ucode = U(K_FMA,  S_P,  S_R,  S_K1, D_P, 1'b0, ONE, 32'd0);
            7'd67: ucode = U(K_EXPA, S_P,  S_P,  S_P,  D_P, 1'b0, 32'd0, 32'd0);
            7'd68: ucode = U(K_FMA,  S_P,  S_K1, S_K2, D_P, 1'b0, ONE, ONE);
            7'd69: ucode = U(K_DIV,  S_K1, S_P,  S_X,  D_S, 1'b0, TWO, 32'd0);
            7'd70: ucode = U(K_FMA,  S_S,  S_K1, S_K2, D_P, 1'b1, NEG_ONE, ONE);
            default: ucode = U(K_FMA, S_X, S_X, S_X, D_P, 1'b1, 32'd0, 32'd0);
        endcase
    endfunction

    // Denormal -> zero of the same sign (the SFU's input and output flush).
    function automatic logic [31:0] ftz(input logic [31:0] x);
        ftz = x[30:23] == 8'd0 ? {x[31], 31'd0} : x;
    endfunction

    // rintf (nearest, ties to even) of x: the f32 result, and the integer's low 26 bits (two's
    // complement; 0 when |x| >= 2^25, where every f32 is a multiple of 4, which is all sin/cos use).
    function automatic logic [57:0] rint(input logic [31:0] x);
        logic [7:0] e;
        logic [23:0] m, q, rmask, rem, half;
        logic [25:0] mag;
        logic [31:0] f;
        e = x[30:23];
        m = {1'b1, x[22:0]};
        f = x;
        mag = '0;
        q = '0;
        rmask = '0;
        rem = '0;
        half = '0;
        if (e >= 8'd152) mag = '0;
        else if (e >= 8'd150) mag = e == 8'd150 ? {2'd0, m} : {1'b0, m, 1'b0};
        else if (e < 8'd126) f = {x[31], 31'd0};
        else begin
            // 1 <= shift <= 24 fraction bits: q = m >> shift rounded to nearest even.
            q = m >> (8'd150 - e);
            rmask = (24'd1 << (8'd150 - e)) - 24'd1;
            rem = m & rmask;
            half = 24'd1 << (8'd149 - e);
            if (rem > half || (rem == half && q[0])) q = q + 24'd1;
            mag = {2'd0, q};
            if (q == 24'd0) f = {x[31], 31'd0};
            else begin
                // q << shift is m rounded; a carry to 2^24 moves to the next exponent.
                m = q << (8'd150 - e);
                f = m == 24'd0 ? {x[31], e + 8'd1, 23'd0} : {x[31], e, m[22:0]};
            end
        end
        rint = {f, x[31] ? 26'd0 - mag : mag};
    endfunction

    // Small integer (|e| <= 128) to f32, exactly.
    function automatic logic [31:0] i2f_small(input logic [9:0] e);
        logic [9:0] mag;
        logic [7:0] bexp;
        logic [22:0] frac;
        mag = e[9] ? 10'd0 - e : e;
        bexp = 8'd0;
        frac = '0;
        for (integer i = 0; i < 10; i++)
            if (mag[i]) begin bexp = 8'(127 + i); frac = 23'({13'd0, mag} << (23 - i)); end
        i2f_small = mag == 10'd0 ? 32'd0 : {e[9], bexp, frac};
    endfunction

    // Which function op is; its special inputs and program entry.
    logic is_div, is_sqrt, is_rcp, is_rsq, is_ex2, is_lg2, is_sin, is_cos, is_tanh;
    assign is_div = op == OP_FDIV;
    assign is_sqrt = op == OP_FSQRT;
    assign is_rcp = op == OP_RCP;
    assign is_rsq = op == OP_RSQ;
    assign is_ex2 = op == OP_EX2;
    assign is_lg2 = op == OP_LG2;
    assign is_sin = op == OP_SIN;
    assign is_cos = op == OP_COS;
    assign is_tanh = op == OP_TANH;
    assign supported = is_div || is_sqrt || is_rcp || is_rsq || is_ex2 || is_lg2 || is_sin ||
                       is_cos || is_tanh;

    logic [31:0] x_in, special_val;
    logic special;
    logic [6:0] entry;
    always_comb begin
        x_in = is_div || is_sqrt ? a : ftz(a);
        special = 1'b0;
        special_val = CANON_NAN;
        entry = PC_FDIV;
        if (is_sqrt) entry = PC_FSQRT;
        if (is_rcp) entry = PC_RCP;
        if (is_rsq) begin
            entry = PC_RSQ;
            if (x_in[30:0] == 31'd0) begin special = 1'b1; special_val = {x_in[31], 31'h7f80_0000}; end
        end
        if (is_ex2) begin
            entry = PC_EX2;
            special = 1'b1;
            if (is_nan(x_in)) special_val = CANON_NAN;
            else if (!x_in[31] && x_in >= 32'h4300_0000) special_val = PINF;        // >= 128
            else if (x_in[31] && x_in[30:0] > 31'h42fe_0000) special_val = 32'd0;   // < -127
            else special = 1'b0;
        end
        if (is_lg2) begin
            entry = PC_LG2;
            special = 1'b1;
            if (is_nan(x_in) || (x_in[31] && x_in[30:0] != 31'd0)) special_val = CANON_NAN;
            else if (x_in[30:0] == 31'd0) special_val = 32'hff80_0000;
            else if (x_in == PINF) special_val = PINF;
            else special = 1'b0;
        end
        if (is_sin || is_cos) begin
            entry = PC_SINCOS;
            special = 1'b1;
            if (x_in[30:23] == 8'hff) special_val = CANON_NAN;
            else if (x_in[30:0] == 31'd0) special_val = is_cos ? ONE : x_in;
            else special = 1'b0;
        end
        if (is_tanh) begin
            entry = x_in[30:0] < 31'h3f00_0000 ? PC_TANH_SMALL : PC_TANH_BIG;   // |x| < 0.5
            special = 1'b1;
            if (is_nan(x_in)) special_val = CANON_NAN;
            else if (x_in[30:0] >= 31'h4110_0000) special_val = {x_in[31], ONE[30:0]};   // >= 9
            else special = 1'b0;
        end
    end

    // ---- the running program ------------------------------------------------------------------
    logic        run, dwait, cosine, neg;
    logic [3:0]  mode;               // output transform: 0 none (fdiv/fsqrt), 1 ftz, 2 sin/cos, 3 tanh
    logic [6:0]  pc;
    logic [31:0] X, P, R, S, T;
    logic [25:0] E;                  // rintf's integer (ex2's exponent increment)
    logic [1:0]  Q;                  // sin/cos quadrant

    logic [UW-1:0] u;
    logic [2:0] kind, sa, sb, sc, dst;
    logic last, br;
    logic [31:0] k1, k2;
    assign u = ucode(pc);
    assign {kind, sa, sb, sc, dst, last, br, k1, k2} = u;

    function automatic logic [31:0] pick(input logic [2:0] s, input logic [31:0] p, input logic [31:0] r,
                                         input logic [31:0] sq, input logic [31:0] x, input logic [31:0] t,
                                         input logic [31:0] c1, input logic [31:0] c2);
        case (s)
            S_P: pick = p;
            S_R: pick = r;
            S_S: pick = sq;
            S_X: pick = x;
            S_T: pick = t;
            S_K1: pick = c1;
            default: pick = c2;
        endcase
    endfunction
    logic [31:0] va, vb, vc;
    assign va = pick(sa, P, R, S, X, T, k1, k2);
    assign vb = pick(sb, P, R, S, X, T, k1, k2);
    assign vc = pick(sc, P, R, S, X, T, k1, k2);

    // The exact fused multiply-add (fpu.sv's ffma). Outside fma steps its opcode is 0x00, not an f32
    // one, so fpu's case skips the wide datapath: the Verilated model then costs nothing while this
    // unit idles (with ffma and zero operands it cost every other instruction ~10%).
    logic [31:0] fma_r;
    logic fma_pred, fma_ok;
    fpu u_fma (.op(run && kind == K_FMA ? OP_FFMA : 7'h00), .mod(4'd0), .a(va), .b(vb), .c(vc),
               .result(fma_r), .pred(fma_pred), .supported(fma_ok));

    // Division / square root.
    logic ds_start, ds_done;
    logic [31:0] ds_r;
    assign ds_start = run && (kind == K_DIV || kind == K_SQRT) && !dwait;
    fdivsqrt u_ds (.clk, .rst, .start(ds_start), .is_sqrt(kind == K_SQRT), .a(va), .b(vb),
                   .done(ds_done), .result(ds_r));

    // This step's value and whether it completes this cycle.
    logic [57:0] ri;
    logic [31:0] v, lg2_m, lg2_e;
    logic step;
    always_comb begin
        logic [7:0] ef;
        logic [9:0] el;
        logic [31:0] mb;
        logic [10:0] ee;
        ri = rint(va);
        ee = '0;
        // lg2: e = exponent - 127, m = mantissa with exponent 0; above sqrt(2): m / 2, e + 1.
        ef = X[30:23];
        el = {2'd0, ef} - 10'd127;
        mb = {9'h07f, X[22:0]};
        if (mb > 32'h3fb5_04f3) begin mb = mb - 32'h0080_0000; el = el + 10'd1; end
        lg2_m = mb;
        lg2_e = i2f_small(el);
        step = 1'b1;
        case (kind)
            K_DIV, K_SQRT: begin v = ds_r; step = ds_done; end
            K_RINT: v = ri[57:26];
            K_LG2: v = lg2_m;
            K_EXPA: begin
                // ex2: p with i added to its exponent field; >= 255 is inf, <= 0 is 0.
                ee = {3'd0, va[30:23]} + E[10:0];
                if (!ee[10] && ee >= 11'd255) v = PINF;
                else if (ee[10] || ee == 11'd0) v = 32'd0;
                else v = {va[31], ee[7:0], va[22:0]};
            end
            default: v = fma_r;
        endcase
    end

    // The function's output transform of the last step's value.
    function automatic logic [31:0] outx(input logic [3:0] m, input logic [31:0] x, input logic [1:0] q,
                                         input logic ng);
        logic [31:0] y;
        y = x;
        if (m == 4'd2 && q[1]) y = {~x[31], x[30:0]};
        if (m == 4'd3) y = {ng, x[30:0]};
        if (m != 4'd0) y = is_nan(y) ? CANON_NAN : ftz(y);
        outx = y;
    endfunction

    always_ff @(posedge clk) begin
        done <= 1'b0;
        if (rst) begin
            run <= 1'b0;
            dwait <= 1'b0;
        end else if (start) begin
            X <= is_tanh ? {1'b0, x_in[30:0]} : x_in;
            T <= b;
            neg <= x_in[31];
            cosine <= is_cos;
            mode <= is_div || is_sqrt ? 4'd0 : is_sin || is_cos ? 4'd2 : is_tanh ? 4'd3 : 4'd1;
            dwait <= 1'b0;
            pc <= entry;
            if (special) begin
                result <= special_val;
                done <= 1'b1;
            end else run <= 1'b1;
        end else if (run) begin
            if (ds_start) dwait <= 1'b1;
            if (step && !ds_start) begin
                dwait <= 1'b0;
                case (dst)
                    D_P: P <= v;
                    D_R: R <= v;
                    D_S: S <= v;
                    D_X: X <= v;
                    default: T <= v;
                endcase
                if (kind == K_RINT) begin
                    E <= ri[25:0];
                    Q <= ri[1:0] + {1'b0, cosine};   // cos(x) = sin(x + pi/2)
                end
                if (kind == K_LG2) T <= lg2_e;
                if (last) begin
                    result <= outx(mode, v, Q, neg);
                    done <= 1'b1;
                    run <= 1'b0;
                end else pc <= br && Q[0] ? PC_COSP : pc + 7'd1;
            end
        end
    end
endmodule
