// core.sv: one SIMT core (the simulator's SM). Runs one thread block at a time: WARPS warps of
// LANES lanes, every lane with its own pc (min-PC reconvergence, chosen by warp_scheduler).
// Execution is lane-serial to keep the hardware small: an issued warp-instruction visits its active
// lanes one per cycle (a memory access takes one request per 32-bit word), then retires on the
// commit stream. Blocks: decoder (instruction fields), alu (integer), fpu (f32), sfu (multi-cycle:
// fdiv, fsqrt, SFU functions), convert (conversions), lsu (addresses and byte lanes),
// the register file (NREGS x 32-bit per thread), the predicate file (p0..p6 per thread), shared
// memory, local memory (LOCAL_WORDS per thread), and the barrier unit (16 barriers as in the
// simulator: per-barrier arrival counts and optional thread counts, released by the scheduler).
// Registers, shared and local memory read 0 until written in the running block: every word carries
// the generation (block start) that last wrote it, so a block starts without a clearing pass.
//
// State machine:  IDLE -> SCHED <-> EXEC/MEM/SFU -> COMMIT (IDLE -> CLEAR -> SCHED once every 255
//                 block starts: resets every generation tag); SCHED -> DONE when no thread is live;
//                 any fault -> FAULT (until the next start).
module core
#(
    parameter int WARPS = 4,
    parameter int LANES = 8,
    parameter int NREGS = 32,
    parameter int SHARED_WORDS = 1024,
    parameter int LOCAL_WORDS = 64        // local memory per thread (power of two)
) (
    input  logic        clk,
    input  logic        rst,
    // Launch (held stable by gpu_top during a launch) and the block to run (from the dispatcher).
    input  logic [31:0] entry,
    input  logic [31:0] end_pc,
    input  logic [31:0] block_dim,     // x
    input  logic [31:0] block_dim_y,
    input  logic [31:0] block_dim_z,
    input  logic [31:0] grid_dim,      // x
    input  logic [31:0] grid_dim_y,
    input  logic [31:0] grid_dim_z,
    input  logic [31:0] ctaid_x,       // this block's index (block_id = its linear number)
    input  logic [31:0] ctaid_y,
    input  logic [31:0] ctaid_z,
    input  logic [31:0] local_bytes,   // local memory per thread the launch uses
    input  logic [31:0] params_ptr,
    input  logic [31:0] param_bytes,
    input  logic [31:0] shared_bytes,
    input  logic [31:0] block_id,
    input  logic [31:0] clock,
    input  logic        start,
    output logic        busy,
    output logic        done,          // one-cycle pulse: the block finished
    // Faults (sticky until the next start). kind uses the simulator's enum tg_fault_kind numbers,
    // 15 = an instruction this RTL does not implement.
    output logic        fault,
    output logic [3:0]  fault_kind,
    output logic [31:0] fault_pc,
    output logic [31:0] fault_warp,
    output logic [31:0] fault_lane,
    output logic [31:0] fault_addr,
    // Instruction memory read port.
    output logic [31:0] fetch_pc,
    input  logic [63:0] fetch_word,
    // Memory port (global and param space): one 32-bit word per request, answered one or more cycles later (by the L1).
    output logic        mem_req,
    output logic        mem_we,
    output logic [31:0] mem_addr,
    output logic [31:0] mem_wdata,
    output logic [3:0]  mem_strb,
    input  logic        mem_rsp,
    input  logic [31:0] mem_rdata,
    input  logic        mem_err,       // address outside device memory
    output logic        mem_lock,      // a global atomic is in progress: hold the memory (mem_ctrl.sv)
    // Commit stream: one pulse per retired warp-instruction. commit_want asks for the shared
    // commit port (gpu_top arbitrates the cores); the core waits in S_COMMIT until commit_ready.
    output logic                   commit_want,
    input  logic                   commit_ready,
    output logic                   commit,
    output logic [31:0]            commit_warp,
    output logic [31:0]            commit_pc,
    output logic [LANES-1:0]       commit_mask,   // lanes that executed (active and guard true)
    output logic [7:0]             commit_rd,     // 255: no register written
    output logic [LANES*32-1:0]    commit_data    // value written to rd per lane (lane l: 32*l +: 32)
);
    `include "tg32_defs.svh"
    localparam int WB = $clog2(WARPS);
    localparam int LB = $clog2(LANES);
    localparam int THREADS = WARPS * LANES;
    localparam int TB = $clog2(THREADS);
    localparam int RB = $clog2(NREGS);
    localparam int SB = $clog2(SHARED_WORDS);
    localparam int LWB = $clog2(LOCAL_WORDS);
    localparam int RF_WORDS = THREADS * NREGS, LM_WORDS = THREADS * LOCAL_WORDS;
    localparam int CLR_WORDS = RF_WORDS > SHARED_WORDS ? (RF_WORDS > LM_WORDS ? RF_WORDS : LM_WORDS)
                                                       : (SHARED_WORDS > LM_WORDS ? SHARED_WORDS : LM_WORDS);
    localparam int CB = $clog2(CLR_WORDS);
    localparam logic [3:0] F_OOB = 4'd1, F_MISALIGNED = 4'd2, F_ILLEGAL = 4'd3,
                           F_DEADLOCK = 4'd4, F_DIVERGENT = 4'd5, F_BAD_LAUNCH = 4'd7,
                           F_UNIMPLEMENTED = 4'd15;

    typedef enum logic [3:0] {
        S_IDLE, S_CLEAR, S_SCHED, S_DECODE, S_EXEC, S_MEM, S_MEM_WAIT, S_WRITEBACK, S_COMMIT, S_DONE,
        S_FAULT, S_SFU
    } state_t;
    state_t state;

    // ---- per-thread state ------------------------------------------------------------------
    // Flat vectors (yosys 0.23 reads no multi-dimensional packed arrays): thread t = {warp, lane}
    // is bit t of live/waiting, word t of pc; predicate p of a thread is bit {warp, p, lane}.
    logic [THREADS-1:0]       live;      // thread exists and has not exited
    logic [THREADS-1:0]       waiting;   // blocked at a barrier
    logic [THREADS*32-1:0]    pc;
    logic [WARPS*8*LANES-1:0] preds;     // p0..p6; p7 (PT) is constant true, its bits unused
    logic [31:0] rf   [THREADS * NREGS];          // register file: index {thread, reg}
    logic [31:0] smem [SHARED_WORDS];             // shared memory of the running block
    logic [31:0] lmem [THREADS * LOCAL_WORDS];    // local memory: index {thread, word}
    // Generation tags: a word is valid (else reads 0) when its tag equals gen, the running block's.
    logic [7:0]  rf_g [THREADS * NREGS];
    logic [7:0]  smem_g [SHARED_WORDS];
    logic [7:0]  lmem_g [THREADS * LOCAL_WORDS];
    logic [7:0]  gen;
    // Barriers (sim/warp.c): per thread the id it waits on; per id the arrivals and the thread
    // count the first arrival named (0: all live threads).
    logic [3:0]  bar_of  [THREADS];
    logic [TB:0] bar_cnt [16];
    logic [31:0] bar_exp [16];
    logic [TB:0] live_threads;

    // ---- the instruction in flight ---------------------------------------------------------
    logic [WB-1:0]    cur_warp, last_warp;
    logic [31:0]      cur_pc;
    logic [LANES-1:0] cur_mask, exec_mask;
    logic [63:0]      inst;
    logic [LB-1:0]    lane;
    logic [1:0]       k;                          // word of a wide memory access
    logic [CB:0]      clear_idx;

    // ---- scheduler ---------------------------------------------------------------------------
    logic [THREADS-1:0] runnable;
    logic sched_found;
    logic [WB-1:0] sched_warp;
    logic [31:0] sched_pc;
    logic [LANES-1:0] sched_mask;
    assign runnable = live & ~waiting;
    warp_scheduler #(.WARPS(WARPS), .LANES(LANES)) u_sched (
        .runnable, .pc, .last(last_warp), .found(sched_found), .warp(sched_warp),
        .issue_pc(sched_pc), .active(sched_mask));

    // ---- decoder -----------------------------------------------------------------------------
    logic [6:0] op;
    logic bimm, guard_neg, legal;
    logic [2:0] guard;
    logic [7:0] rd, ra, rb, rc;
    logic [3:0] mod;
    logic [15:0] ext;
    logic [31:0] imm;
    fmt_t fmt;
    lat_t lat;
    decoder u_dec (.word(inst), .op, .bimm, .guard, .guard_neg, .rd, .ra, .rb, .rc, .mod, .ext,
                   .imm, .fmt, .lat, .legal);

    // ---- operands of the current lane --------------------------------------------------------
    logic [TB-1:0] thread;
    assign thread = TB'({cur_warp, lane});

    // The current lane's predicates (p7 = PT reads 1 where used). One warp's bits, not the whole
    // predicate file as a function argument: the model copied all of it per call, every cycle.
    logic [7:0] lane_preds;
    always_comb begin
        for (int p = 0; p < 7; p++) lane_preds[p] = preds[{cur_warp, 3'(p), lane}];
        lane_preds[7] = 1'b1;
    end

    // Registers this configuration lacks (>= NREGS, not rz) make the instruction unimplemented.
    function automatic logic reg_ok(input logic [7:0] r);
        reg_ok = r == REG_RZ || r < 8'(NREGS);
    endfunction

    // Register reads: rz (and any register past NREGS, which faults before use) read 0.
    logic [31:0] va, vb, vc, vd;
    logic [7:0] rdk;
    assign rdk = rd + {6'd0, k};
    logic [TB+RB-1:0] ia, ib, ic, id;
    assign ia = {thread, ra[RB-1:0]};
    assign ib = {thread, rb[RB-1:0]};
    assign ic = {thread, rc[RB-1:0]};
    assign id = {thread, rdk[RB-1:0]};
    assign va = reg_ok(ra) && ra != REG_RZ && rf_g[ia] == gen ? rf[ia] : 32'd0;
    assign vb = bimm ? imm : reg_ok(rb) && rb != REG_RZ && rf_g[ib] == gen ? rf[ib] : 32'd0;
    assign vc = reg_ok(rc) && rc != REG_RZ && rf_g[ic] == gen ? rf[ic] : 32'd0;
    assign vd = reg_ok(rdk) && rdk != REG_RZ && rf_g[id] == gen ? rf[id] : 32'd0;

    logic guard_ok;
    assign guard_ok = lane_preds[guard] ^ guard_neg;


    // ---- alu -------------------------------------------------------------------------------
    logic [31:0] alu_result;
    logic alu_pred, alu_supported;
    alu u_alu (.op, .mod, .a(va), .b(vb), .c(vc), .result(alu_result), .pred(alu_pred),
               .supported(alu_supported));

    // ---- fpu -------------------------------------------------------------------------------
    logic [31:0] fpu_result;
    logic fpu_pred, fpu_supported;
    // Operands reach the wide f32 datapath only for f32 opcodes (0x30-0x3f, fsetp), so the Verilated
    // model does not re-evaluate it for every integer instruction.
    logic is_fop;
    assign is_fop = op[6:4] == 3'h3 || op == OP_FSETP;
    fpu u_fpu (.op, .mod, .a(is_fop ? va : 32'd0), .b(is_fop ? vb : 32'd0), .c(is_fop ? vc : 32'd0),
               .result(fpu_result), .pred(fpu_pred),
               .supported(fpu_supported));

    // ---- multi-cycle f32 unit: fdiv, fsqrt, rcp rsq ex2 lg2 sin cos tanh (S_SFU waits for it) ----
    logic sfu_go, sfu_done, sfu_supported;
    logic [31:0] sfu_result;
    sfu u_sfu (.clk, .rst, .start(sfu_go), .op, .a(va), .b(vb), .supported(sfu_supported),
               .done(sfu_done), .result(sfu_result));

    // ---- conversion unit --------------------------------------------------------------------
    logic [31:0] conv_result;
    logic conv_supported;
    convert u_convert (.op, .mod, .a(va), .result(conv_result), .supported(conv_supported));

    // Special registers (S2R). The thread's x/y/z come from its linear index in the block as in
    // the simulator: x = t % ntid.x, y = t / ntid.x % ntid.y, z = t / (ntid.x * ntid.y); a running
    // block's dimensions are each at most THREADS, so the dividers are TB+1 bits wide.
    logic [31:0] sreg, nthreads;
    logic [TB:0] t_lin, bdx, bdy, bdxy, tid_x, tid_y, tid_z;
    assign nthreads = block_dim * block_dim_y * block_dim_z;
    assign t_lin = (TB + 1)'(thread);
    assign bdx = block_dim[TB:0];
    assign bdy = block_dim_y[TB:0];
    assign bdxy = (TB + 1)'(block_dim * block_dim_y);
    assign tid_x = t_lin % bdx;
    assign tid_y = t_lin / bdx % bdy;
    assign tid_z = t_lin / bdxy;
    always_comb
        case (ra)
            SREG_TID_X:       sreg = 32'(tid_x);
            SREG_TID_Y:       sreg = 32'(tid_y);
            SREG_TID_Z:       sreg = 32'(tid_z);
            SREG_NTID_X:      sreg = block_dim;
            SREG_NTID_Y:      sreg = block_dim_y;
            SREG_NTID_Z:      sreg = block_dim_z;
            SREG_CTAID_X:     sreg = ctaid_x;
            SREG_CTAID_Y:     sreg = ctaid_y;
            SREG_CTAID_Z:     sreg = ctaid_z;
            SREG_NCTAID_X:    sreg = grid_dim;
            SREG_NCTAID_Y:    sreg = grid_dim_y;
            SREG_NCTAID_Z:    sreg = grid_dim_z;
            SREG_LANEID:      sreg = 32'(lane);
            SREG_WARPID:      sreg = 32'(cur_warp);
            SREG_NWARPID:     sreg = (nthreads + LANES - 1) / LANES;
            SREG_NSMID:       sreg = 32'd1;
            SREG_CLOCK:       sreg = clock;
            SREG_WARPSZ:      sreg = LANES;
            SREG_LANEMASK_EQ: sreg = 32'd1 << lane;
            SREG_LANEMASK_LT: sreg = (32'd1 << lane) - 32'd1;
            SREG_LANEMASK_LE: sreg = (32'd2 << lane) - 32'd1;
            SREG_LANEMASK_GT: sreg = ~((32'd2 << lane) - 32'd1);
            SREG_LANEMASK_GE: sreg = ~((32'd1 << lane) - 32'd1);
            default:          sreg = 32'd0;   // smid, clock_hi
        endcase

    // ---- lsu -------------------------------------------------------------------------------
    logic [31:0] ls_addr, ls_bytes, ls_word_addr, ls_store_word, ls_load_val, ls_load_word;
    logic [3:0] ls_strobe;
    logic ls_misaligned;
    logic is_atom;
    assign is_atom = op == OP_ATOMG || op == OP_ATOMS;
    lsu u_lsu (.base(va), .offset(bimm ? imm : 32'd0), .width(is_atom ? W_B32 : mod), .k, .store_val(vd), .load_word(ls_load_word),
               .addr(ls_addr), .bytes(ls_bytes), .misaligned(ls_misaligned), .word_addr(ls_word_addr),
               .strobe(ls_strobe), .store_word(ls_store_word), .load_val(ls_load_val));

    logic is_load, is_store, is_shared, is_local, is_onchip, is_param, is_mem;
    logic [SB-1:0] sidx;
    logic [TB+LWB-1:0] lidx;
    assign sidx = ls_word_addr[SB+1:2];
    assign lidx = {thread, ls_word_addr[LWB+1:2]};
    assign is_load   = op == OP_LDG || op == OP_LDS || op == OP_LDP || op == OP_LDL;
    assign is_store  = op == OP_STG || op == OP_STS || op == OP_STL;
    assign is_shared = op == OP_LDS || op == OP_STS || op == OP_ATOMS;
    assign is_local  = op == OP_LDL || op == OP_STL;
    assign is_onchip = is_shared || is_local;   // answered at once, not on the memory port
    assign is_param  = op == OP_LDP;
    assign is_mem    = is_load || is_store || is_atom;
    // The addressed word of shared or local memory (0 until written in this block), and a store's
    // bytes merged into it.
    logic [31:0] chip_word, chip_merged;
    assign chip_word = is_local ? (lmem_g[lidx] == gen ? lmem[lidx] : 32'd0)
                                : (smem_g[sidx] == gen ? smem[sidx] : 32'd0);
    always_comb
        for (int b = 0; b < 4; b++)
            chip_merged[8 * b +: 8] = ls_strobe[b] ? ls_store_word[8 * b +: 8] : chip_word[8 * b +: 8];

    // Atomics: read the old word, write op(old, rb, rc), return old in rd. Shared memory does both
    // in one cycle; global memory takes a read request, then a write request (atom_phase).
    logic atom_phase;
    logic [31:0] atom_old_q, atom_old, atom_new, atom_fadd;
    logic atom_fadd_ok, atom_fadd_p;
    assign atom_old = is_shared ? chip_word : atom_old_q;
    // op is FADD only for atom.fadd, so the model evaluates the f32 adder for nothing else.
    fpu u_atom_fpu (.op(is_atom && mod == ATOM_FADD ? OP_FADD : OP_NOP), .mod(4'd0), .a(is_atom ? atom_old : 32'd0), .b(is_atom ? vb : 32'd0), .c(32'd0), .result(atom_fadd),
                    .pred(atom_fadd_p), .supported(atom_fadd_ok));
    always_comb
        case (mod)
            ATOM_ADD:  atom_new = atom_old + vb;
            ATOM_FADD: atom_new = atom_fadd;
            ATOM_SMIN: atom_new = $signed(vb) < $signed(atom_old) ? vb : atom_old;
            ATOM_SMAX: atom_new = $signed(vb) > $signed(atom_old) ? vb : atom_old;
            ATOM_UMIN: atom_new = vb < atom_old ? vb : atom_old;
            ATOM_UMAX: atom_new = vb > atom_old ? vb : atom_old;
            ATOM_EXCH: atom_new = vb;
            ATOM_CAS:  atom_new = atom_old == vb ? vc : atom_old;
            ATOM_AND:  atom_new = atom_old & vb;
            ATOM_OR:   atom_new = atom_old | vb;
            ATOM_XOR:  atom_new = atom_old ^ vb;
            ATOM_INC:  atom_new = atom_old >= vb ? 32'd0 : atom_old + 32'd1;
            default:   atom_new = (atom_old == 32'd0 || atom_old > vb) ? vb : atom_old - 32'd1; // dec
        endcase
    logic [31:0] nwords;
    assign nwords = ls_bytes > 32'd4 ? ls_bytes >> 2 : 32'd1;
    logic [31:0] space_limit;   // bytes in shared / local / param space (global: the memory model checks)
    assign space_limit = is_shared ? shared_bytes : is_local ? local_bytes : param_bytes;
    logic space_oob;
    assign space_oob = (is_onchip || is_param) &&
                       ({1'b0, ls_addr} + {1'b0, ls_bytes} > {1'b0, space_limit});
    assign ls_load_word = is_onchip ? chip_word : mem_rdata;

    // Which instructions this RTL executes; everything else faults as unimplemented.
    logic implemented;
    always_comb begin
        implemented = alu_supported || fpu_supported || conv_supported || sfu_supported || is_mem ||
                      op == OP_NOP || op == OP_EXIT || op == OP_BRA || op == OP_S2R ||
                      op == OP_SEL || op == OP_PAND || op == OP_POR || op == OP_PXOR ||
                      op == OP_SHFL || op == OP_BAR;
        if (!reg_ok(ra) || !reg_ok(rd) || !reg_ok(rb) || !reg_ok(rc)) implemented = 1'b0;
        if (fmt == FMT_SETP || fmt == FMT_PLOG || fmt == FMT_BAR || fmt == FMT_BRA ||
            fmt == FMT_NONE || fmt == FMT_S2R) begin
            // rd/ra fields of these formats are predicate numbers or ids, not registers.
            implemented = alu_supported || fpu_supported || op == OP_NOP || op == OP_EXIT || op == OP_BRA ||
                          op == OP_S2R || op == OP_PAND || op == OP_POR || op == OP_PXOR ||
                          (op == OP_BAR && reg_ok(ra));
            if (fmt == FMT_S2R && !reg_ok(rd)) implemented = 1'b0;
            if (fmt == FMT_SETP && (!reg_ok(ra) || !reg_ok(rb))) implemented = 1'b0;
        end
        // vote/ballot: ra is a predicate number; ballot writes register rd.
        if (fmt == FMT_VOTEP) implemented = 1'b1;
        if (fmt == FMT_VOTER) implemented = reg_ok(rd);
        if (is_mem && (!reg_ok(ra) || !reg_ok(rdk) || !reg_ok(rd + 8'(nwords) - 8'd1))) implemented = 1'b0;
    end

    // ---- shuffle / vote (warp-wide) -----------------------------------------------------------
    // Guard of every lane at once: vote and ballot look at all executing lanes.
    logic [LANES-1:0] exec_all, vote_p, vote_yes, vote_yes_q, vote_exec_q, yes_now, exec_now;
    always_comb
        for (int l = 0; l < LANES; l++) begin
            exec_all[l] = cur_mask[l] && ((guard == PRED_PT ? 1'b1 : preds[{cur_warp, guard, LB'(l)}]) ^ guard_neg);
            vote_p[l] = (ra[2:0] == PRED_PT ? 1'b1 : preds[{cur_warp, ra[2:0], LB'(l)}]) ^ mod[0];
        end
    assign vote_yes = vote_p & exec_all;
    // Lane 0 sees the predicates before any lane wrote; later lanes use what lane 0 latched.
    assign yes_now  = lane == '0 ? vote_yes : vote_yes_q;
    assign exec_now = lane == '0 ? exec_all : vote_exec_q;
    logic vote_v;
    always_comb
        case (op)
            OP_VOTEALL: vote_v = yes_now == exec_now;
            OP_VOTEANY: vote_v = yes_now != '0;
            default:    vote_v = yes_now == exec_now || yes_now == '0;   // vote.uni
        endcase
    // shfl: PTX's lane formula with c's clamp (bits 4:0) and segment mask (bits 12:8).
    logic [31:0] shfl_j;
    logic shfl_ok;
    logic [31:0] shfl_src;
    always_comb begin
        logic [31:0] bval, cval, seg, max_lane, min_lane, l32;
        l32 = 32'(lane);
        bval = vb & 32'd31;
        cval = vc & 32'd31;
        seg = (vc >> 8) & 32'd31;
        max_lane = (l32 & seg) | (cval & ~seg);
        min_lane = l32 & seg;
        case (mod)
            SHFL_UP:   begin shfl_j = l32 - bval; shfl_ok = $signed(shfl_j) >= $signed(max_lane); end
            SHFL_DOWN: begin shfl_j = l32 + bval; shfl_ok = shfl_j <= max_lane; end
            SHFL_BFLY: begin shfl_j = l32 ^ bval; shfl_ok = shfl_j <= max_lane; end
            default:   begin shfl_j = min_lane | (bval & ~seg); shfl_ok = shfl_j <= max_lane; end
        endcase
        if ($signed(shfl_j) < 0 || shfl_j >= LANES) shfl_ok = 1'b0;
    end
    logic [TB-1:0] shfl_thread;
    assign shfl_thread = TB'({cur_warp, shfl_ok ? shfl_j[LB-1:0] : lane});
    logic [TB+RB-1:0] isf;
    assign isf = {shfl_thread, ra[RB-1:0]};
    assign shfl_src = reg_ok(ra) && ra != REG_RZ && rf_g[isf] == gen ? rf[isf] : 32'd0;

    // Value written to rd by a non-memory instruction of this lane.
    logic [31:0] lane_value;
    logic sel_p;
    assign sel_p = lane_preds[mod[2:0]] ^ mod[3];
    always_comb
        case (op)
            OP_S2R:  lane_value = sreg;
            OP_SEL:  lane_value = sel_p ? va : vb;
            OP_SHFL: lane_value = shfl_src;
            OP_BALLOT: lane_value = 32'(yes_now);
            default: lane_value = fpu_supported ? fpu_result : conv_supported ? conv_result : alu_result;
        endcase
    logic plog_x, plog_y, plog_v;
    assign plog_x = lane_preds[ra[2:0]] ^ mod[0];
    assign plog_y = lane_preds[rb[2:0]] ^ mod[1];
    assign plog_v = op == OP_PAND ? (plog_x & plog_y) : op == OP_POR ? (plog_x | plog_y)
                                                      : (plog_x ^ plog_y);
    logic writes_rd;   // instruction writes register rd (not a predicate)
    assign writes_rd = rd != REG_RZ && (fmt == FMT_RB || fmt == FMT_RA || fmt == FMT_RAB ||
                       fmt == FMT_RABC || fmt == FMT_S2R || fmt == FMT_SEL || fmt == FMT_LD ||
                       fmt == FMT_SHFL || fmt == FMT_VOTER || fmt == FMT_ATOM);

    // ---- memory port -----------------------------------------------------------------------
    assign mem_req   = state == S_MEM && !is_onchip && !ls_misaligned && !space_oob;
    assign mem_we    = is_store || (is_atom && atom_phase);
    assign mem_addr  = is_param ? params_ptr + ls_word_addr : ls_word_addr;
    assign mem_wdata = is_atom ? atom_new : ls_store_word;
    assign mem_strb  = is_store ? ls_strobe : 4'b1111;

    // A global atomic warp-instruction holds the memory from its first lane to its commit, so other
    // cores' requests wait and the whole instruction is atomic, as in the simulator.
    assign mem_lock  = is_atom && !is_shared && (state == S_EXEC || state == S_MEM || state == S_MEM_WAIT ||
                                                 state == S_COMMIT);
    assign commit_want = state == S_COMMIT;

    assign fetch_pc = cur_pc;
    assign busy = state != S_IDLE && state != S_FAULT;

    // Barriers, as sim/warp.c: barrier B releases when its arrivals reach the thread count its first
    // arrival named, or every live thread (count 0); the lowest such id goes first. Its waiting lanes
    // of each warp must sit at one pc, or the barrier was divergent: the fault names the first warp,
    // and in it the first lane whose pc differs from its first waiting lane's. The lane loop runs
    // only while a release is due, so the model does not evaluate it every cycle.
    logic any_live, rel_found, divergent;
    logic [3:0] rel_id;
    logic [WB-1:0] div_warp;
    logic [LB-1:0] div_lane;
    logic [31:0] div_pc;
    assign any_live = live != '0;
    always_comb begin
        rel_found = 1'b0;
        rel_id = 4'd0;
        for (int b = 15; b >= 0; b--)
            if (bar_cnt[b] != '0 && 32'(bar_cnt[b]) >= (bar_exp[b] != 32'd0 ? bar_exp[b] : 32'(live_threads))) begin
                rel_found = 1'b1;
                rel_id = 4'(b);
            end
    end
    always_comb begin
        logic have, bad;
        logic [31:0] first;
        logic [LB-1:0] bl;
        have = 1'b0;
        bad = 1'b0;
        first = 32'd0;
        bl = '0;
        divergent = 1'b0;
        div_warp = '0;
        div_lane = '0;
        div_pc = 32'd0;
        if (rel_found)
            for (int w = WARPS - 1; w >= 0; w--) begin
                have = 1'b0;
                bad = 1'b0;
                first = 32'd0;
                bl = '0;
                for (int l = 0; l < LANES; l++)
                    if (waiting[w * LANES + l] && bar_of[w * LANES + l] == rel_id) begin
                        if (!have) begin have = 1'b1; first = pc[32 * (w * LANES + l) +: 32]; end
                        else if (!bad && pc[32 * (w * LANES + l) +: 32] != first) begin bad = 1'b1; bl = LB'(l); end
                    end
                if (bad) begin
                    divergent = 1'b1;
                    div_warp = WB'(w);
                    div_lane = bl;
                    div_pc = pc[32 * (w * LANES + 32'(bl)) +: 32] - 32'd1;
                end
            end
    end
    // bar B, ra: the first executing lane's ra is the thread count (rz: 0, all live threads). A count
    // that is 0, not a multiple of the warp size or past the block, or that differs from the count
    // of threads already waiting at B, faults as illegal (the simulator's rule).
    logic [3:0] bar_id;
    logic [31:0] bar_count;
    logic bar_fault;
    assign bar_id = imm[3:0];
    assign bar_count = ra == REG_RZ ? 32'd0 : va;
    assign bar_fault = (ra != REG_RZ && (va == 32'd0 || va[LB-1:0] != '0 || va > nthreads + LANES - 1)) ||
                       (bar_cnt[bar_id] != '0 && bar_exp[bar_id] != bar_count);

    task automatic rf_write(input logic [TB+RB-1:0] i, input logic [31:0] v);
        rf[i] <= v;
        rf_g[i] <= gen;
    endtask

    task automatic raise(input logic [3:0] kind, input logic [31:0] addr);
        fault <= 1'b1;
        fault_kind <= kind;
        fault_pc <= cur_pc;
        fault_warp <= 32'(cur_warp);
        fault_lane <= 32'(lane);
        fault_addr <= addr;
        state <= S_FAULT;
    endtask

    // pc of the current thread and commit_data of the current lane. The writes go through loops of
    // constant-index slices: yosys elaborates those far faster than a variable part-select on the
    // left of <= (tests/sh/rtl_yosys.sh: 13 s of CPU, 40 s with both written directly). pc's loop is
    // warp then lane, so the Verilated model compares WARPS + LANES indices, not WARPS x LANES
    // (one flat loop over the threads made the model ~5% slower than before the flattening).
    task automatic set_pc(input logic [31:0] v);
        for (int w = 0; w < WARPS; w++)
            if (cur_warp == WB'(w))
                for (int l = 0; l < LANES; l++)
                    if (lane == LB'(l)) pc[32 * (w * LANES + l) +: 32] <= v;
    endtask
    task automatic set_data(input logic [31:0] v);
        for (int l = 0; l < LANES; l++) if (lane == LB'(l)) commit_data[32 * l +: 32] <= v;
    endtask

    // Retires this lane's work and moves to the next active lane or to COMMIT.
    task automatic next_lane();
        k <= 2'd0;
        if (lane == LB'(LANES - 1)) begin
            lane <= '0;
            state <= op == OP_SHFL ? S_WRITEBACK : S_COMMIT;
        end else begin lane <= lane + 1'b1; state <= S_EXEC; end
    endtask

    always_ff @(posedge clk) begin
        done <= 1'b0;
        commit <= 1'b0;
        sfu_go <= 1'b0;
        if (rst) begin
            state <= S_IDLE;
            fault <= 1'b0;
            fault_kind <= 4'd0;
            last_warp <= '0;
            gen <= 8'hff;       // the first start sweeps the generation tags
        end else begin
            case (state)
                S_IDLE, S_FAULT, S_DONE: begin
                    if (state == S_DONE) state <= S_IDLE;
                    if (start) begin
                        fault <= 1'b0;
                        fault_kind <= 4'd0;
                        clear_idx <= '0;
                        last_warp <= WB'(WARPS - 1);
                        cur_pc <= entry;
                        for (int w = 0; w < WARPS; w++)
                            for (int l = 0; l < LANES; l++) begin
                                live[w * LANES + l] <= 32'(w * LANES + l) < nthreads;
                                waiting[w * LANES + l] <= 1'b0;
                                pc[32 * (w * LANES + l) +: 32] <= entry;
                            end
                        preds <= '0;
                        lane <= '0;
                        live_threads <= nthreads[TB:0];
                        for (int b = 0; b < 16; b++) begin
                            bar_cnt[b] <= '0;
                            bar_exp[b] <= 32'd0;
                        end
                        // A new generation: every register and shared/local word reads 0 again.
                        gen <= gen == 8'hff ? 8'd1 : gen + 8'd1;
                        if (block_dim == 32'd0 || block_dim > THREADS || block_dim_y == 32'd0 ||
                            block_dim_y > THREADS || block_dim_z == 32'd0 || block_dim_z > THREADS ||
                            nthreads > THREADS || shared_bytes > SHARED_WORDS * 4 || local_bytes > LOCAL_WORDS * 4)
                            raise(F_BAD_LAUNCH, 32'd0);
                        else state <= gen == 8'hff ? S_CLEAR : S_SCHED;
                    end
                end
                // Once every 255 generations (and after reset): tag every word with generation 0, one
                // word of each memory per cycle, so no stale tag can match a new generation.
                S_CLEAR: begin
                    if (clear_idx < (CB + 1)'(RF_WORDS)) rf_g[clear_idx[TB+RB-1:0]] <= 8'd0;
                    if (clear_idx < (CB + 1)'(SHARED_WORDS)) smem_g[clear_idx[SB-1:0]] <= 8'd0;
                    if (clear_idx < (CB + 1)'(LM_WORDS)) lmem_g[clear_idx[TB+LWB-1:0]] <= 8'd0;
                    clear_idx <= clear_idx + 1'b1;
                    if (clear_idx == (CB + 1)'(CLR_WORDS - 1)) state <= S_SCHED;
                end
                S_SCHED: begin
                    if (!any_live) begin
                        done <= 1'b1;
                        state <= S_DONE;
                    end else if (rel_found) begin
                        if (divergent) begin
                            raise(F_DIVERGENT, 32'd0);
                            fault_pc <= div_pc;
                            fault_warp <= 32'(div_warp);
                            fault_lane <= 32'(div_lane);
                        end else begin            // barrier release
                            for (int w = 0; w < WARPS; w++)
                                for (int l = 0; l < LANES; l++)
                                    if (bar_of[w * LANES + l] == rel_id) waiting[w * LANES + l] <= 1'b0;
                            bar_cnt[rel_id] <= '0;
                            bar_exp[rel_id] <= 32'd0;
                        end
                    end else if (sched_found) begin
                        cur_warp <= sched_warp;
                        last_warp <= sched_warp;
                        cur_pc <= sched_pc;
                        cur_mask <= sched_mask;
                        exec_mask <= '0;
                        lane <= '0;
                        k <= 2'd0;
                        atom_phase <= 1'b0;
                        commit_data <= '0;
                        state <= S_DECODE;
                    end else raise(F_DEADLOCK, 32'd0);
                end
                // Fetch happened combinationally from cur_pc; latch the word and check it.
                S_DECODE: begin
                    inst <= fetch_word;
                    if (cur_pc < entry || cur_pc >= end_pc) raise(F_ILLEGAL, 32'd0);
                    else state <= S_EXEC;
                end
                S_EXEC: begin
                    if (lane == '0) begin
                        vote_yes_q <= vote_yes;
                        vote_exec_q <= exec_all;
                    end
                    if (lane == '0 && !legal) raise(F_ILLEGAL, 32'd0);
                    else if (lane == '0 && !implemented) raise(F_UNIMPLEMENTED, 32'd0);
                    else if (!cur_mask[lane]) next_lane();
                    else if (!guard_ok) begin
                        set_pc(cur_pc + 1);
                        next_lane();
                    end else if (op == OP_BAR && exec_mask == '0 && bar_fault) raise(F_ILLEGAL, 32'd0);
                    else begin
                        exec_mask[lane] <= 1'b1;
                        set_pc(cur_pc + 1);
                        if (op == OP_BRA) set_pc(imm);
                        if (op == OP_EXIT) begin
                            live[thread] <= 1'b0;
                            live_threads <= live_threads - 1'b1;
                        end
                        if (op == OP_BAR) begin
                            waiting[thread] <= 1'b1;
                            bar_of[thread] <= bar_id;
                            bar_cnt[bar_id] <= bar_cnt[bar_id] + 1'b1;
                            if (exec_mask == '0) bar_exp[bar_id] <= bar_count;
                        end
                        if (fmt == FMT_SETP && rd[2:0] != PRED_PT)
                            preds[{cur_warp, rd[2:0], lane}] <= fpu_supported ? fpu_pred : alu_pred;
                        if (fmt == FMT_PLOG && rd[2:0] != PRED_PT)
                            preds[{cur_warp, rd[2:0], lane}] <= plog_v;
                        if (fmt == FMT_VOTEP && rd[2:0] != PRED_PT)
                            preds[{cur_warp, rd[2:0], lane}] <= vote_v;
                        if (op == OP_SHFL && ext[2:0] != PRED_PT)
                            preds[{cur_warp, ext[2:0], lane}] <= shfl_ok;
                        if (is_mem) state <= S_MEM;
                        else if (sfu_supported) begin sfu_go <= 1'b1; state <= S_SFU; end
                        else begin
                            // shfl reads other lanes' ra: its results wait in commit_data and are
                            // written back after every lane has read (S_WRITEBACK).
                            if (writes_rd && op != OP_SHFL) rf_write({thread, rd[RB-1:0]}, lane_value);
                            if (writes_rd) set_data(lane_value);
                            next_lane();
                        end
                    end
                end
                // One 32-bit word of this lane's access: shared and local memory answer at once,
                // global and param space go out on the memory port.
                S_MEM: begin
                    if (ls_misaligned) raise(F_MISALIGNED, ls_addr);
                    else if (space_oob) raise(F_OOB, ls_addr);
                    else if (is_shared && is_atom) begin
                        smem[sidx] <= atom_new;
                        smem_g[sidx] <= gen;
                        if (rd != REG_RZ) rf_write({thread, rd[RB-1:0]}, atom_old);
                        set_data(atom_old);
                        next_lane();
                    end else if (is_onchip) begin
                        if (is_store && is_local) begin
                            lmem[lidx] <= chip_merged;
                            lmem_g[lidx] <= gen;
                        end else if (is_store) begin
                            smem[sidx] <= chip_merged;
                            smem_g[sidx] <= gen;
                        end else if (rdk != REG_RZ) begin
                            rf_write(id, ls_load_val);
                            if (k == 2'd0) set_data(ls_load_val);
                        end
                        if (32'(k) + 1 < nwords) k <= k + 1'b1;
                        else next_lane();
                    end else state <= S_MEM_WAIT;
                end
                S_MEM_WAIT: begin
                    if (mem_rsp) begin
                        if (mem_err) raise(F_OOB, ls_addr);
                        else if (is_atom && !atom_phase) begin
                            atom_old_q <= mem_rdata;
                            set_data(mem_rdata);
                            atom_phase <= 1'b1;
                            state <= S_MEM;
                        end else if (is_atom) begin
                            // rd only now: the write request still read ra, rb and rc, which rd may be.
                            if (rd != REG_RZ) rf_write({thread, rd[RB-1:0]}, atom_old_q);
                            atom_phase <= 1'b0;
                            next_lane();
                        end else begin
                            if (is_load && rdk != REG_RZ) begin
                                rf_write(id, ls_load_val);
                                if (k == 2'd0) set_data(ls_load_val);
                            end
                            if (32'(k) + 1 < nwords) begin k <= k + 1'b1; state <= S_MEM; end
                            else next_lane();
                        end
                    end
                end
                // The multi-cycle unit started on this lane's operands; write its result when done.
                S_SFU: if (sfu_done) begin
                    if (writes_rd) begin
                        rf_write({thread, rd[RB-1:0]}, sfu_result);
                        set_data(sfu_result);
                    end
                    next_lane();
                end
                S_WRITEBACK: begin
                    if (exec_mask[lane] && writes_rd) rf_write({thread, rd[RB-1:0]}, commit_data[{lane, 5'd0} +: 32]);
                    if (lane == LB'(LANES - 1)) state <= S_COMMIT;
                    else lane <= lane + 1'b1;
                end
                S_COMMIT: if (commit_ready) begin
                    commit <= 1'b1;
                    commit_warp <= 32'(cur_warp);
                    commit_pc <= cur_pc;
                    commit_mask <= exec_mask;
                    commit_rd <= writes_rd ? rd : REG_RZ;
                    state <= S_SCHED;
                end
                default: state <= S_IDLE;
            endcase
        end
    end
endmodule
