// f32_class.svh: classes of an IEEE binary32 bit pattern (NaN, infinity, zero of either sign) and the
// canonical NaN TG32 returns for every NaN result. `include-d inside the body of each module that
// does f32 arithmetic (fpu, fdivsqrt, sfu, convert), as tg32_defs.svh is: the yosys 0.23 subset has no packages.
localparam logic [31:0] CANON_NAN = 32'h7fff_ffff;

function automatic logic is_nan(input logic [31:0] x);
    is_nan = x[30:23] == 8'hff && x[22:0] != 23'd0;
endfunction
function automatic logic is_inf(input logic [31:0] x);
    is_inf = x[30:23] == 8'hff && x[22:0] == 23'd0;
endfunction
function automatic logic is_zero(input logic [31:0] x);
    is_zero = x[30:0] == 31'd0;
endfunction
