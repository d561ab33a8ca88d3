// alu.sv: the integer ALU of one lane. Purely combinational: the core feeds it one lane's operands
// per cycle. Integer arithmetic, bit operations, shifts, min/max, bit-field extract/insert, byte
// permute, sign/zero extension, divide/remainder (TG32's defined results for /0 and INT_MIN/-1),
// and the integer compares that write a predicate. `supported` is 0 for an opcode this ALU does not
// implement, so the core faults instead of writing a wrong value.
module alu
(
    input  logic [6:0]  op,
    input  logic [3:0]  mod,
    input  logic [31:0] a,
    input  logic [31:0] b,
    input  logic [31:0] c,
    output logic [31:0] result,     // value for rd
    output logic        pred,       // value for pd (ISETP, USETP)
    output logic        supported
);
    `include "tg32_defs.svh"
    // Wide products for the high-half multiplies.
    logic signed [63:0] smul;
    logic        [63:0] umul;
    assign smul = $signed({{32{a[31]}}, a}) * $signed({{32{b[31]}}, b});
    assign umul = {32'b0, a} * {32'b0, b};

    // Divide: Verilog's signed '/' truncates toward zero like C; the special cases come first.
    logic div_by_zero, div_overflow;
    assign div_by_zero  = (b == 32'd0);
    assign div_overflow = (a == 32'h8000_0000) && (b == 32'hffff_ffff);
    // Signed quotient and remainder in signals of their own: inside the result mux below, whose
    // other operands are unsigned, '/' and '%' would take the unsigned context and divide unsigned.
    logic signed [31:0] sdiv_q, srem_r;
    assign sdiv_q = $signed(a) / $signed(b);
    assign srem_r = $signed(a) % $signed(b);

    // Bit-field extract (PTX bfe): bit i of the result is a[pos+i] while i < len and pos+i <= 31,
    // else the sign bit (bfes) or 0 (bfe).
    function automatic logic [31:0] bfe(input logic [31:0] v, input logic [7:0] pos,
                                        input logic [7:0] len, input logic signed_);
        logic [8:0] msb;
        logic sbit;
        logic [31:0] d;
        msb = {1'b0, pos} + {1'b0, len} - 9'd1;
        if (msb > 9'd31) msb = 9'd31;
        sbit = signed_ ? (pos > 8'd31 ? v[31] : v[msb[4:0]]) : 1'b0;
        d = '0;
        for (int i = 0; i < 32; i++) begin
            if (i < 32'(len) && 32'(pos) + i <= 31) d[i] = v[32'(pos) + i];
            else d[i] = sbit;
        end
        if (len == 8'd0) d = '0;
        bfe = d;
    endfunction

    // Bit-field insert (PTX bfi): low len bits of v replace base[pos +: len], clipped at bit 31.
    function automatic logic [31:0] bfi(input logic [31:0] v, input logic [31:0] base,
                                        input logic [31:0] ctl);
        logic [31:0] d;
        d = base;
        for (int i = 0; i < 32; i++)
            if (i < 32'(ctl[15:8]) && 32'(ctl[7:0]) + i <= 31) d[32'(ctl[7:0]) + i] = v[i];
        bfi = d;
    endfunction

    // Byte permute (PTX prmt default mode): selector nibble picks one of the bytes {b, a}; bit 3
    // replicates that byte's sign bit instead.
    function automatic logic [31:0] prmt(input logic [31:0] lo, input logic [31:0] hi,
                                         input logic [31:0] sel);
        logic [63:0] bytes;
        logic [7:0] byte_;
        logic [31:0] d;
        bytes = {hi, lo};
        for (int i = 0; i < 4; i++) begin
            byte_ = bytes[8 * 32'(sel[4 * i +: 3]) +: 8];
            if (sel[4 * i + 3]) byte_ = {8{byte_[7]}};
            d[8 * i +: 8] = byte_;
        end
        prmt = d;
    endfunction

    function automatic logic [31:0] clz(input logic [31:0] v);
        logic [31:0] n;
        logic found;
        n = 32'd32;
        found = 1'b0;
        for (int i = 31; i >= 0; i--)
            if (!found && v[i]) begin n = 32'(31 - i); found = 1'b1; end
        clz = n;
    endfunction

    function automatic logic [31:0] popc(input logic [31:0] v);
        logic [31:0] n;
        n = '0;
        for (int i = 0; i < 32; i++) n = n + {31'b0, v[i]};
        popc = n;
    endfunction

    function automatic logic [31:0] brev(input logic [31:0] v);
        logic [31:0] d;
        for (int i = 0; i < 32; i++) d[i] = v[31 - i];
        brev = d;
    endfunction

    // Integer compare for ISETP (signed) and USETP (unsigned); mod holds the condition.
    function automatic logic icmp(input logic [31:0] x, input logic [31:0] y, input logic [3:0] cond,
                                  input logic is_signed);
        logic lt, eq;
        eq = (x == y);
        lt = is_signed ? ($signed(x) < $signed(y)) : (x < y);
        case (cond)
            COND_EQ: icmp = eq;
            COND_NE: icmp = !eq;
            COND_LT: icmp = lt;
            COND_LE: icmp = lt || eq;
            COND_GT: icmp = !lt && !eq;
            COND_GE: icmp = !lt;
            default: icmp = 1'b0;
        endcase
    endfunction

    always_comb begin
        result = '0;
        pred = 1'b0;
        supported = 1'b1;
        case (op)
            OP_MOV:    result = b;
            OP_IADD:   result = a + b;
            OP_ISUB:   result = a - b;
            OP_IMUL:   result = umul[31:0];
            OP_IMULHI: result = smul[63:32];
            OP_UMULHI: result = umul[63:32];
            OP_IMAD:   result = umul[31:0] + c;
            OP_IDIV:   result = div_by_zero ? 32'hffff_ffff : div_overflow ? a : sdiv_q;
            OP_UDIV:   result = div_by_zero ? 32'hffff_ffff : a / b;
            OP_IREM:   result = div_by_zero ? a : div_overflow ? 32'd0 : srem_r;
            OP_UREM:   result = div_by_zero ? a : a % b;
            OP_IMIN:   result = $signed(a) < $signed(b) ? a : b;
            OP_IMAX:   result = $signed(a) > $signed(b) ? a : b;
            OP_UMIN:   result = a < b ? a : b;
            OP_UMAX:   result = a > b ? a : b;
            OP_IABS:   result = a[31] ? -a : a;
            OP_INEG:   result = -a;
            OP_AND:    result = a & b;
            OP_OR:     result = a | b;
            OP_XOR:    result = a ^ b;
            OP_NOT:    result = ~a;
            OP_SHL:    result = b >= 32'd32 ? 32'd0 : a << b[4:0];
            OP_SHR:    result = b >= 32'd32 ? 32'd0 : a >> b[4:0];
            OP_SRA:    result = b >= 32'd32 ? {32{a[31]}} : $unsigned($signed(a) >>> b[4:0]);
            OP_POPC:   result = popc(a);
            OP_CLZ:    result = clz(a);
            OP_BREV:   result = brev(a);
            OP_BFE:    result = bfe(a, b[7:0], c[7:0], 1'b0);
            OP_BFES:   result = bfe(a, b[7:0], c[7:0], 1'b1);
            OP_BFI:    result = bfi(a, b, c);
            OP_PRMT:   result = prmt(a, b, c);
            OP_SX8:    result = {{24{a[7]}}, a[7:0]};
            OP_SX16:   result = {{16{a[15]}}, a[15:0]};
            OP_ZX8:    result = {24'b0, a[7:0]};
            OP_ZX16:   result = {16'b0, a[15:0]};
            OP_ISETP:  pred = icmp(a, b, mod, 1'b1);
            OP_USETP:  pred = icmp(a, b, mod, 1'b0);
            default:   supported = 1'b0;
        endcase
    end
endmodule
