// fpu.sv: the f32 unit of one lane (combinational). fadd, fsub, fmul and ffma all go through one
// exact fused multiply-add: the product and the addend are placed, exactly, in a 576-bit fixed-point
// number whose LSB weighs 2^-298 (the smallest product of two denormals), added, and rounded once to
// nearest even with denormals kept. fadd = a*1 + b, fsub = a*1 + (-b), fmul = a*b + (-0), so every op
// is correctly rounded. Any NaN result is the canonical 0x7fffffff. Plus fmin/fmax (a NaN operand
// yields the other, -0 < +0), fabs/fneg (bit operations) and fsetp (ordered/unordered compares).
// The wide datapath is the simplest bit-exact design, not an area-efficient one.
module fpu
(
    input  logic [6:0]  op,
    input  logic [3:0]  mod,
    input  logic [31:0] a,
    input  logic [31:0] b,
    input  logic [31:0] c,
    output logic [31:0] result,
    output logic        pred,
    output logic        supported
);
    `include "tg32_defs.svh"
    `include "f32_class.svh"
    localparam int W = 576;   // 18 words of 32 bits


    // Exact a*b + c, rounded once (round to nearest even).
    function automatic logic [31:0] fma(input logic [31:0] x, input logic [31:0] y,
                                        input logic [31:0] z);
        logic sp, sz;
        logic [23:0] mx, my, mz;
        logic [9:0] shp, shz;          // bit positions of the product's and addend's LSBs
        logic [47:0] prod;
        logic [W-1:0] P, Z, mag;
        logic sign;
        int msb, msb2, lsb;
        logic [W-1:0] mant;
        logic rbit, sticky;
        logic [31:0] bits;
        logic special;                 // NaN or infinity: the result is decided here
        sp = x[31] ^ y[31];
        sz = z[31];
        // NaNs and infinities first (the finite datapath below then goes unused).
        special = 1'b1;
        if (is_nan(x) || is_nan(y) || is_nan(z)) fma = CANON_NAN;
        else if ((is_inf(x) && is_zero(y)) || (is_zero(x) && is_inf(y))) fma = CANON_NAN;
        else if (is_inf(x) || is_inf(y)) fma = is_inf(z) && sz != sp ? CANON_NAN : {sp, 31'h7f80_0000};
        else if (is_inf(z)) fma = z;
        else special = 1'b0;
        // Significands with the hidden bit; denormals use exponent field 1 without it.
        mx = {x[30:23] != 8'd0, x[22:0]};
        my = {y[30:23] != 8'd0, y[22:0]};
        mz = {z[30:23] != 8'd0, z[22:0]};
        // value = m * 2^(e - 150) for exponent field e (1 for denormals); LSB of the fixed point is
        // 2^-298, so the product's LSB sits at ex + ey - 300 + 298 and the addend's at ez - 150 + 298.
        shp = 10'({2'b0, x[30:23] == 8'd0 ? 8'd1 : x[30:23]} + {2'b0, y[30:23] == 8'd0 ? 8'd1 : y[30:23]} - 10'd2);
        shz = 10'({2'b0, z[30:23] == 8'd0 ? 8'd1 : z[30:23]} + 10'd148);
        // The 48-bit product first: inside the W' cast the multiply would be W bits wide (a
        // 576 x 576-bit multiply in the Verilated model, evaluated on every f32 instruction).
        prod = {24'd0, mx} * {24'd0, my};
        P = W'(prod) << shp;
        Z = W'(mz) << shz;
        if (sp == sz) begin mag = P + Z; sign = sp; end
        else if (P >= Z) begin mag = P - Z; sign = sp; end
        else begin mag = Z - P; sign = sz; end
        // Leading one: find the top non-zero 32-bit word, then the bit inside it (word-wide
        // operations keep the Verilated model fast).
        msb = 0;
        msb2 = 0;
        for (int wd = 0; wd < W / 32; wd++)
            if (mag[32 * wd +: 32] != 32'd0) msb = 32 * wd;
        for (int i = 0; i < 32; i++) if (mag[msb + i]) msb2 = msb + i;
        msb = msb2;
        // Keep 24 bits below the MSB, but never below 2^-149 (bit 149): denormals.
        lsb = msb - 23 < 149 ? 149 : msb - 23;
        mant = mag >> lsb;
        rbit = mag[lsb - 1];
        sticky = (mag & ((W'(1) << (lsb - 1)) - W'(1))) != '0;
        if (rbit && (sticky || mant[0])) mant = mant + 1'b1;
        // One formula covers denormals, normals and a rounding carry into the next exponent.
        bits = 32'((lsb - 149) << 23) + mant[31:0];
        if (bits >= 32'h7f80_0000) bits = 32'h7f80_0000;   // overflow rounds to infinity
        if (!special) fma = mag == '0 ? {sp == sz ? sp : 1'b0, 31'd0} : {sign, bits[30:0]};
    endfunction

    // fmin/fmax: a NaN operand yields the other (both NaN: canonical); -0 < +0.
    function automatic logic [31:0] fminmax(input logic [31:0] x, input logic [31:0] y,
                                            input logic is_max);
        logic x_lt_y;
        x_lt_y = flt(x, y) || (x[31] && !y[31] && is_zero(x) && is_zero(y));
        if (is_nan(x)) fminmax = is_nan(y) ? CANON_NAN : y;
        else if (is_nan(y)) fminmax = x;
        else fminmax = (is_max ? !x_lt_y : x_lt_y) ? x : y;
    endfunction

    // x < y for non-NaN values (-0 == +0).
    function automatic logic flt(input logic [31:0] x, input logic [31:0] y);
        if (is_zero(x) && is_zero(y)) flt = 1'b0;
        else if (x[31] != y[31]) flt = x[31];
        else if (x[31]) flt = x[30:0] > y[30:0];
        else flt = x[30:0] < y[30:0];
    endfunction

    function automatic logic fcmp(input logic [31:0] x, input logic [31:0] y, input logic [3:0] cond);
        logic un, lt, eq, gt;
        un = is_nan(x) || is_nan(y);
        lt = !un && flt(x, y);
        gt = !un && flt(y, x);
        eq = !un && !lt && !gt;
        case (cond)
            COND_EQ:  fcmp = eq;
            COND_NE:  fcmp = lt || gt;
            COND_LT:  fcmp = lt;
            COND_LE:  fcmp = lt || eq;
            COND_GT:  fcmp = gt;
            COND_GE:  fcmp = gt || eq;
            COND_EQU: fcmp = un || eq;
            COND_NEU: fcmp = un || lt || gt;
            COND_LTU: fcmp = un || lt;
            COND_LEU: fcmp = un || lt || eq;
            COND_GTU: fcmp = un || gt;
            COND_GEU: fcmp = un || gt || eq;
            COND_NUM: fcmp = !un;
            default:  fcmp = un;
        endcase
    endfunction

    // One fma datapath serves fadd, fsub, fmul and ffma (one call: each call is a full copy of the
    // 576-bit datapath in synthesis); its operands are picked by op.
    logic [31:0] fy, fz;
    always_comb
        case (op)
            OP_FADD: begin fy = 32'h3f80_0000; fz = b; end
            OP_FSUB: begin fy = 32'h3f80_0000; fz = b ^ 32'h8000_0000; end
            OP_FMUL: begin fy = b; fz = 32'h8000_0000; end
            default: begin fy = b; fz = c; end
        endcase

    always_comb begin
        result = '0;
        pred = 1'b0;
        supported = 1'b1;
        case (op)
            OP_FADD, OP_FSUB, OP_FMUL, OP_FFMA: result = fma(a, fy, fz);
            OP_FMIN:  result = fminmax(a, b, 1'b0);
            OP_FMAX:  result = fminmax(a, b, 1'b1);
            OP_FABS:  result = a & 32'h7fff_ffff;
            OP_FNEG:  result = a ^ 32'h8000_0000;
            OP_FSETP: pred = fcmp(a, b, mod);
            default:  supported = 1'b0;
        endcase
    end
endmodule
