// decoder.sv: splits a 64-bit TG32 instruction word into its fields and checks it exactly as
// isa.c's tg_decode does (undefined opcode, bimm bit against the format, mod range, special-register
// id, signed store width, stray ext bits), so the RTL rejects the same words as the simulator.
// Combinational; field layout in isa/isa.h.
module decoder
(
    input  logic [63:0] word,
    output logic [6:0]  op,
    output logic        bimm,
    output logic [2:0]  guard,
    output logic        guard_neg,
    output logic [7:0]  rd,
    output logic [7:0]  ra,
    output logic [7:0]  rb,
    output logic [7:0]  rc,
    output logic [3:0]  mod,
    output logic [15:0] ext,
    output logic [31:0] imm,
    output logic [4:0]  fmt,        // fmt_t
    output logic [3:0]  lat,        // lat_t
    output logic        legal
);
    `include "tg32_defs.svh"
    logic defined, must_imm, has_b;
    logic [4:0] mod_limit;
    logic uses_rd, uses_ra, uses_rb, uses_rc;
    logic [8:0] wide_regs;

    assign uses_rd = fmt != FMT_NONE && fmt != FMT_BRA && fmt != FMT_BAR;
    assign uses_ra = fmt != FMT_NONE && fmt != FMT_BRA && fmt != FMT_RB;
    assign uses_rb = fmt == FMT_RABC || fmt == FMT_PLOG || fmt == FMT_ATOM || fmt == FMT_SHFL ||
                     (has_b && !bimm);
    assign uses_rc = fmt == FMT_RABC || fmt == FMT_SHFL || (fmt == FMT_ATOM && mod == ATOM_CAS);
    assign wide_regs = mod == W_B128 ? 9'd4 : mod == W_B64 ? 9'd2 : 9'd1;

    assign op        = word[6:0];
    assign bimm      = word[7];
    assign guard     = word[10:8];
    assign guard_neg = word[11];
    assign rd        = word[19:12];
    assign ra        = word[27:20];
    assign mod       = word[31:28];
    assign imm       = word[63:32];
    assign rb        = bimm ? 8'd0 : word[39:32];
    assign rc        = bimm ? 8'd0 : word[47:40];
    assign ext       = bimm ? 16'd0 : word[63:48];

    logic [5:0] info;
    assign info = op_fmt(op);
    assign defined = info[5];
    assign fmt = info[4:0];
    assign lat = op_lat(op);

    assign must_imm = fmt == FMT_BRA || fmt == FMT_BAR || fmt == FMT_LD || fmt == FMT_ST;
    assign has_b    = fmt == FMT_RB || fmt == FMT_RAB || fmt == FMT_SEL || fmt == FMT_SETP;

    // Largest legal mod + 1, as isa.c's mod_limit.
    always_comb begin
        case (op)
            OP_ISETP, OP_USETP: mod_limit = 5'd6;
            OP_FSETP:           mod_limit = 5'd14;
            OP_F2I, OP_F2U, OP_I2F, OP_U2F, OP_FRND: mod_limit = 5'd4;
            OP_SEL:             mod_limit = 5'd16;
            default:
                case (fmt)
                    FMT_PLOG:              mod_limit = 5'd4;
                    FMT_LD, FMT_ST:        mod_limit = 5'd7;
                    FMT_ATOM:              mod_limit = 5'd13;
                    FMT_SHFL:              mod_limit = 5'd4;
                    FMT_VOTEP, FMT_VOTER:  mod_limit = 5'd2;
                    default:               mod_limit = 5'd1;
                endcase
        endcase
    end

    always_comb begin
        legal = defined;
        if (must_imm && !bimm) legal = 1'b0;
        if (!must_imm && !has_b && bimm) legal = 1'b0;
        if ({1'b0, mod} >= mod_limit) legal = 1'b0;
        if (fmt == FMT_S2R && ra >= 8'd25) legal = 1'b0;  // TG_NUM_SREGS
        if (fmt == FMT_ST && (mod == W_S8 || mod == W_S16)) legal = 1'b0;
        if (!bimm && fmt != FMT_SHFL && ext != 16'd0) legal = 1'b0;
        if (fmt == FMT_SHFL && ext > 16'd7) legal = 1'b0;
        // Fields the format does not use must be zero (one spelling per legal word).
        if (!uses_rd && rd != 8'd0) legal = 1'b0;
        if (!uses_ra && ra != 8'd0) legal = 1'b0;
        if (!uses_rb && rb != 8'd0) legal = 1'b0;
        if (!uses_rc && rc != 8'd0) legal = 1'b0;
        if ((fmt == FMT_SETP || fmt == FMT_PLOG || fmt == FMT_VOTEP) && rd > 8'd7) legal = 1'b0;
        if ((fmt == FMT_PLOG || fmt == FMT_VOTEP || fmt == FMT_VOTER) && ra > 8'd7) legal = 1'b0;
        if (fmt == FMT_PLOG && rb > 8'd7) legal = 1'b0;
        if (fmt == FMT_BAR && imm > 32'd15) legal = 1'b0;
        if ((fmt == FMT_LD || fmt == FMT_ST) && rd != REG_RZ && {1'b0, rd} + wide_regs - 9'd1 >= 9'd255)
            legal = 1'b0;
    end
endmodule
