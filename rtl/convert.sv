// convert.sv: the conversion unit of one lane (combinational): f32 <-> s32/u32 in the four
// rounding modes (f2i/f2u saturate, NaN gives 0), frnd (round to an integral f32), f32 <-> f16 and
// bf16 (round to nearest even; NaN gives the canonical 0x7fff / 0x7fffffff). The same rules as the
// simulator's sim/exec_float.c, bit for bit.
module convert
(
    input  logic [6:0]  op,
    input  logic [3:0]  mod,      // round_t for f2i f2u i2f u2f frnd
    input  logic [31:0] a,
    output logic [31:0] result,
    output logic        supported
);
    `include "tg32_defs.svh"
    `include "f32_class.svh"

    // Should a magnitude with this remainder round away from zero? half: the first dropped bit,
    // sticky: any bit below it, odd: the kept LSB, neg: the value's sign.
    function automatic logic round_up(input logic [3:0] mode, input logic half, input logic sticky,
                                      input logic odd, input logic neg);
        case (mode)
            RND_RN:  round_up = half && (sticky || odd);
            RND_RM:  round_up = neg && (half || sticky);
            RND_RP:  round_up = !neg && (half || sticky);
            default: round_up = 1'b0;   // RZ
        endcase
    endfunction

    // |x| rounded to an integer by mode; 2^33 stands for "too big" (|x| >= 2^33).
    function automatic logic [33:0] f2mag(input logic [31:0] x, input logic [3:0] mode);
        logic [23:0] m;
        int sh;
        logic [33:0] ip;
        logic half, sticky;
        m = {x[30:23] != 8'd0, x[22:0]};
        sh = 32'({24'd0, x[30:23] == 8'd0 ? 8'd1 : x[30:23]}) - 150;
        if (sh >= 10) f2mag = 34'h2_0000_0000;   // |x| >= 2^33
        else if (sh >= 0) f2mag = 34'(m) << sh;
        else begin
            if (sh <= -25) begin
                ip = '0; half = 1'b0; sticky = m != 24'd0;
            end else begin
                ip = 34'(m) >> (-sh);
                half = m[-sh - 1];
                sticky = (m & ((24'd1 << (-sh - 1)) - 24'd1)) != 24'd0;
            end
            if (round_up(mode, half, sticky, ip[0], x[31])) ip = ip + 34'd1;
            f2mag = ip;
        end
    endfunction

    function automatic logic [31:0] f2int(input logic [31:0] x, input logic [3:0] mode,
                                          input logic is_signed);
        logic [33:0] mag;
        mag = x[30:23] == 8'hff ? 34'h2_0000_0000 : f2mag(x, mode);
        if (x[30:23] == 8'hff && x[22:0] != 23'd0) f2int = 32'd0;   // NaN
        else if (is_signed) begin
            if (x[31]) f2int = mag >= 34'h0_8000_0000 ? 32'h8000_0000 : 32'(-mag);
            else f2int = mag >= 34'h0_7fff_ffff ? 32'h7fff_ffff : mag[31:0];
        end
        else if (x[31] || mag == '0) f2int = 32'd0;
        else f2int = mag >= 34'h0_ffff_ffff ? 32'hffff_ffff : mag[31:0];
    endfunction

    // f32 of sign and 32-bit magnitude, rounded by mode.
    function automatic logic [31:0] int2f(input logic neg, input logic [31:0] mag, input logic [3:0] mode);
        int msb, lsb;
        logic [32:0] mant;
        logic half, sticky;
        logic [31:0] bits;
        msb = 0;
        for (int i = 0; i < 32; i++) if (mag[i]) msb = i;
        lsb = msb - 23;
        if (lsb <= 0) begin
            mant = 33'(mag) << (-lsb);
            half = 1'b0; sticky = 1'b0;
        end else begin
            mant = 33'(mag) >> lsb;
            half = mag[lsb - 1];
            sticky = (mag & ((32'd1 << (lsb - 1)) - 32'd1)) != 32'd0;
        end
        if (round_up(mode, half, sticky, mant[0], neg)) mant = mant + 33'd1;
        bits = 32'((lsb + 149) << 23) + mant[31:0];
        int2f = mag == 32'd0 ? 32'd0 : {neg, bits[30:0]};
    endfunction

    function automatic logic [31:0] frnd(input logic [31:0] x, input logic [3:0] mode);
        logic [33:0] mag;
        logic [31:0] r;
        mag = f2mag(x, mode);
        r = int2f(1'b0, mag[31:0], RND_RN);
        if (x[30:23] == 8'hff) frnd = x[22:0] != 23'd0 ? CANON_NAN : x;
        else if (x[30:23] >= 8'd150) frnd = x;   // already integral
        else frnd = {x[31], r[30:0]};
    endfunction

    function automatic logic [31:0] f2h(input logic [31:0] x);
        logic [15:0] sign;
        logic [23:0] m;
        int ex, shift;
        logic [31:0] q, rem, half;
        sign = {x[31], 15'd0};
        ex = 32'(x[30:23]) - 127 + 15;
        if (x[30:23] == 8'hff) f2h = x[22:0] != 23'd0 ? 32'h7fff : {16'd0, sign | 16'h7c00};
        else if (ex >= 31) f2h = {16'd0, sign | 16'h7c00};
        else if (ex < -10) f2h = {16'd0, sign};
        else if (ex <= 0) begin
            m = {1'b1, x[22:0]};
            shift = 14 - ex;
            q = 32'(m) >> shift;
            rem = 32'(m) & ((32'd1 << shift) - 32'd1);
            half = 32'd1 << (shift - 1);
            if (rem > half || (rem == half && q[0])) q = q + 32'd1;
            f2h = {16'd0, sign} | q;
        end else begin
            q = (32'(ex) << 10) | 32'(x[22:13]);
            rem = {19'd0, x[12:0]};
            if (rem > 32'h1000 || (rem == 32'h1000 && q[0])) q = q + 32'd1;
            f2h = {16'd0, sign} | q;
        end
    endfunction

    function automatic logic [31:0] h2f(input logic [15:0] h);
        logic [31:0] sign;
        logic [10:0] m;
        int ex;
        sign = {h[15], 31'd0};
        if (h[14:10] == 5'h1f) h2f = h[9:0] != 10'd0 ? CANON_NAN : sign | 32'h7f80_0000;
        else if (h[14:10] == 5'd0 && h[9:0] == 10'd0) h2f = sign;
        else if (h[14:10] == 5'd0) begin
            // Normalize the denormal: its leading one becomes the hidden bit.
            m = {1'b0, h[9:0]};
            ex = 113;
            for (int i = 0; i < 10; i++) if (!m[10]) begin m = m << 1; ex = ex - 1; end
            h2f = sign | (32'(ex) << 23) | (32'(m[9:0]) << 13);
        end
        else h2f = sign | ((32'(h[14:10]) + 32'd112) << 23) | (32'(h[9:0]) << 13);
    endfunction

    function automatic logic [31:0] f2bf(input logic [31:0] x);
        logic [31:0] q;
        q = {16'd0, x[31:16]};
        if (x[15:0] > 16'h8000 || (x[15:0] == 16'h8000 && q[0])) q = q + 32'd1;
        f2bf = x[30:0] > 31'h7f80_0000 ? 32'h7fff : q;
    endfunction

    always_comb begin
        supported = 1'b1;
        case (op)
            OP_F2I:  result = f2int(a, mod, 1'b1);
            OP_F2U:  result = f2int(a, mod, 1'b0);
            OP_I2F:  result = int2f(a[31], a[31] ? -a : a, mod);
            OP_U2F:  result = int2f(1'b0, a, mod);
            OP_FRND: result = frnd(a, mod);
            OP_F2H:  result = f2h(a);
            OP_H2F:  result = h2f(a[15:0]);
            OP_F2BF: result = f2bf(a);
            OP_BF2F: result = {a[15:0], 16'd0} & 32'hffff_ffff;
            default: begin result = '0; supported = 1'b0; end
        endcase
        if (op == OP_BF2F && a[14:0] > 15'h7f80) result = CANON_NAN;
    end
endmodule
