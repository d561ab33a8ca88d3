// lsu.sv: the address and data path of one lane's memory access (load/store unit). Combinational:
// from the base register, the immediate, the width code and the word index k of a wide access it
// computes the byte address, the alignment check, the 32-bit word address with byte strobes and
// the store data placed in its byte lanes; and it extracts a load's value (sign- or zero-extended)
// from the word memory returned. The core sequences the accesses (one word per request).
module lsu
(
    input  logic [31:0] base,       // ra
    input  logic [31:0] offset,     // imm (signed, wraps)
    input  logic [3:0]  width,      // width_t
    input  logic [1:0]  k,          // word of a 64/128-bit access
    input  logic [31:0] store_val,  // register rd+k
    input  logic [31:0] load_word,  // word read from memory
    output logic [31:0] addr,       // byte address of the whole access
    output logic [31:0] bytes,      // access size in bytes (1, 2, 4, 8, 16)
    output logic        misaligned,
    output logic [31:0] word_addr,  // byte address of word k, 4-aligned
    output logic [3:0]  strobe,     // bytes of that word written by a store
    output logic [31:0] store_word, // store data in its byte lanes
    output logic [31:0] load_val    // load result for register rd+k
);
    `include "tg32_defs.svh"
    logic [1:0] sh;

    assign addr = base + offset;
    always_comb
        case (width)
            W_U8, W_S8:   bytes = 32'd1;
            W_U16, W_S16: bytes = 32'd2;
            W_B64:        bytes = 32'd8;
            W_B128:       bytes = 32'd16;
            default:      bytes = 32'd4;
        endcase
    assign misaligned = (addr & (bytes - 32'd1)) != 32'd0;
    assign word_addr  = {addr[31:2], 2'b00} + {28'd0, k, 2'b00};
    assign sh = addr[1:0];

    always_comb begin
        case (width)
            W_U8, W_S8: begin
                strobe = 4'b0001 << sh;
                store_word = {4{store_val[7:0]}};
            end
            W_U16, W_S16: begin
                strobe = 4'b0011 << sh;
                store_word = {2{store_val[15:0]}};
            end
            default: begin
                strobe = 4'b1111;
                store_word = store_val;
            end
        endcase
        case (width)
            W_U8:  load_val = {24'd0, load_word[8 * sh +: 8]};
            W_S8:  load_val = {{24{load_word[8 * sh + 7]}}, load_word[8 * sh +: 8]};
            W_U16: load_val = {16'd0, load_word[8 * sh +: 16]};
            W_S16: load_val = {{16{load_word[8 * sh + 15]}}, load_word[8 * sh +: 16]};
            default: load_val = load_word;
        endcase
    end
endmodule
