"""Tiny random-weight seq2seq models with real tokenizers, built offline in a few seconds.

They stand in for the real checkpoints (opus-mt el→en translator; mT5 and GreekBART (mBART
architecture) summarizers) in tests and CI, where the Hugging Face Hub cannot be reached: every
directory written here loads with ``AutoTokenizer.from_pretrained(dir)`` +
``AutoModelForSeq2SeqLM.from_pretrained(dir)`` under ``HF_HUB_OFFLINE=1`` and converts with
``ctranslate2.converters.TransformersConverter``.

The tokenizers are real SentencePiece unigram models, trained in-process on the small Greek and
English news corpus below (no temp files: sentences go in through an iterator, the model comes
back through a ``BytesIO``). The weights are random (seeded), so outputs are gibberish; what the
fixtures pin down is the plumbing: file layout, special-token ids, generation config and the
shapes that CTranslate2 expects.

Random-weight generation (checked with transformers 5.23, ``max_new_tokens=20``):

* translator (Marian): the saved opus-mt-like generation config (beams 4, ``bad_words_ids``
  = [[pad]]) already decodes to non-empty text; so does greedy.
* summarizer (mT5): the argmax is ``<pad>`` (id 0) forever, which decodes to ``""``; pass
  ``bad_words_ids=[[0]]`` (``min_new_tokens`` alone does not help: pad is not eos).
* summarizer-mbart: the saved config (beams 4) gives text; greedy emits ``</s>`` first, so
  pass ``min_new_tokens=1`` (or more) with ``num_beams=1``.

Random outputs rarely end with ``</s>``, so always cap ``max_new_tokens`` in tests.

CTranslate2 (4.8.5) greedy output equals ``generate(num_beams=1, do_sample=False,
max_new_tokens=N, forced_eos_token_id=None)`` token for token (float32; int8 mostly) with
``translate_batch(tokens, beam_size=1, max_decoding_length=N, min_decoding_length=0)`` (CT2
defaults are beam 2 and min length 1) and source tokens that include the special tokens,
``tokenizer.convert_ids_to_tokens(tokenizer(text).input_ids)``. With the saved
``forced_eos_token_id`` torch turns token N into ``</s>`` where CT2 just stops. Per family:
mBART needs ``target_prefix=[["</s>"]]`` (its converter sets no decoder start token unless
``config.tokenizer_class`` names a non-MBart tokenizer) and ``no_repeat_ngram_size=3`` (torch
takes it from generation_config.json, CT2 does not); mT5 matches without extras.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sentencepiece as spm
import torch

if TYPE_CHECKING:
    from transformers import MarianTokenizer

# ---------------------------------------------------------------------------------------------
# Training corpus: short news-like sentences. Greek with accents, diaeresis, «» quotes, numbers,
# percentages and Latin-script names, because that is what the real input looks like.
# ---------------------------------------------------------------------------------------------

GREEK_SENTENCES: tuple[str, ...] = (
    "Η κυβέρνηση ανακοίνωσε νέα μέτρα στήριξης για τα νοικοκυριά.",
    "Ο πρωθυπουργός συναντήθηκε με τον πρόεδρο της Κομισιόν στις Βρυξέλλες.",
    "Σύμφωνα με την ΕΛΣΤΑΤ, ο πληθωρισμός υποχώρησε στο 2,4% τον Μάρτιο.",
    "«Δεν θα επιτρέψουμε νέες αυξήσεις στο ρεύμα», δήλωσε ο υπουργός Ενέργειας.",
    "Ισχυρός σεισμός 5,2 Ρίχτερ σημειώθηκε ανοιχτά της Κρήτης τα ξημερώματα.",
    "Δεν αναφέρθηκαν ζημιές ή τραυματισμοί, σύμφωνα με την Πυροσβεστική.",
    "Το Χρηματιστήριο Αθηνών έκλεισε με άνοδο 1,3% στις 1.450 μονάδες.",
    "Οι εξαγωγές αυξήθηκαν κατά 8% το πρώτο εξάμηνο του 2024.",
    "Η Βουλή ψήφισε το νομοσχέδιο για την παιδεία με 158 ψήφους υπέρ.",
    "Η αντιπολίτευση κατηγόρησε την κυβέρνηση για την ακρίβεια.",
    "Πυρκαγιά ξέσπασε σε δασική έκταση στην Αττική το απόγευμα της Τρίτης.",
    "Στην κατάσβεση επιχειρούν 120 πυροσβέστες με 40 οχήματα και 6 αεροσκάφη.",
    "Το μετρό της Θεσσαλονίκης μεταφέρει πάνω από 60.000 επιβάτες την ημέρα.",
    "Ο Ολυμπιακός νίκησε τον Παναθηναϊκό με 2-1 στο ντέρμπι της Κυριακής.",
    "Η ΕΚΤ διατήρησε αμετάβλητα τα επιτόκια για τρίτη συνεχόμενη φορά.",
    "Οι τουριστικές αφίξεις ξεπέρασαν τα 32 εκατομμύρια το 2023.",
    "Ο δήμαρχος Αθηναίων παρουσίασε το σχέδιο για τις νέες ποδηλατολωρίδες.",
    "Η ανεργία μειώθηκε στο 10,8%, το χαμηλότερο επίπεδο από το 2009.",
    "Ο καιρός θα είναι αίθριος με θερμοκρασίες έως 35 βαθμούς Κελσίου.",
    "Ισχυρές βροχές και καταιγίδες αναμένονται στη δυτική Ελλάδα.",
    "Το υπουργείο Υγείας ενέκρινε την πρόσληψη 1.000 νοσηλευτών.",
    "Οι αγρότες έκλεισαν τον αυτοκινητόδρομο με τρακτέρ για δεύτερη μέρα.",
    "Η Ελλάδα και η Τουρκία υπέγραψαν κοινή δήλωση για τις σχέσεις καλής γειτονίας.",
    "«Η οικονομία αναπτύσσεται ταχύτερα από τον μέσο όρο της ευρωζώνης», είπε ο υπουργός.",
    "Ο κατώτατος μισθός αυξάνεται στα 830 ευρώ από την 1η Απριλίου.",
    "Νέα απεργία των ΜΜΜ την Πέμπτη: πώς θα κινηθούν λεωφορεία και τρένα.",
    "Η Microsoft θα επενδύσει 1 δισ. ευρώ σε κέντρα δεδομένων στην Αττική.",
    "Η ομάδα μπάσκετ προκρίθηκε στο Final Four της Euroleague.",
    "Οι εκλογές για την τοπική αυτοδιοίκηση θα γίνουν τον Οκτώβριο.",
    "Το Μουσείο της Ακρόπολης δέχτηκε ρεκόρ επισκεπτών το καλοκαίρι.",
    "Οι τιμές των ενοικίων στην Αθήνα αυξήθηκαν κατά 12% μέσα σε έναν χρόνο.",
    "Η πρόεδρος της Δημοκρατίας επισκέφθηκε τους πληγέντες από τις πλημμύρες.",
)

ENGLISH_SENTENCES: tuple[str, ...] = (
    "The government announced new support measures for households.",
    "The prime minister met the president of the Commission in Brussels.",
    "According to ELSTAT, inflation fell to 2.4% in March.",
    '"We will not allow new increases in electricity prices," the energy minister said.',
    "A strong 5.2 magnitude earthquake struck off Crete at dawn.",
    "No damage or injuries were reported, according to the fire service.",
    "The Athens Stock Exchange closed 1.3% higher at 1,450 points.",
    "Exports rose by 8% in the first half of 2024.",
    "Parliament passed the education bill with 158 votes in favour.",
    "The opposition accused the government over the high cost of living.",
    "A fire broke out in a forest area in Attica on Tuesday afternoon.",
    "Some 120 firefighters with 40 vehicles and 6 aircraft are fighting the blaze.",
    "The Thessaloniki metro carries more than 60,000 passengers a day.",
    "Olympiacos beat Panathinaikos 2-1 in Sunday's derby.",
    "The ECB kept interest rates unchanged for the third time in a row.",
    "Tourist arrivals exceeded 32 million in 2023.",
    "The mayor of Athens presented the plan for the new bike lanes.",
    "Unemployment fell to 10.8%, the lowest level since 2009.",
    "The weather will be fair with temperatures of up to 35 degrees Celsius.",
    "Heavy rain and storms are expected in western Greece.",
    "The health ministry approved the hiring of 1,000 nurses.",
    "Farmers blocked the motorway with tractors for a second day.",
    "Greece and Turkey signed a joint declaration on good neighbourly relations.",
    '"The economy is growing faster than the eurozone average," the minister said.',
    "The minimum wage rises to 830 euros from April 1.",
    "New public transport strike on Thursday: how buses and trains will run.",
    "Microsoft will invest 1 billion euros in data centres in Attica.",
    "The basketball team qualified for the Euroleague Final Four.",
    "Local government elections will be held in October.",
    "The Acropolis Museum welcomed a record number of visitors this summer.",
    "Rents in Athens rose by 12% within a year.",
    "The President of the Republic visited those affected by the floods.",
)


# ---------------------------------------------------------------------------------------------
# SentencePiece helpers
# ---------------------------------------------------------------------------------------------


def train_sentencepiece(
    sentences: Iterable[str],
    vocab_size: int,
    *,
    unk_id: int = 0,
    bos_id: int = 1,
    eos_id: int = 2,
    pad_id: int = -1,
) -> bytes:
    """Train a unigram SentencePiece model in memory and return its serialized proto.

    ``hard_vocab_limit=False`` because a ~30-line corpus cannot always fill ``vocab_size``;
    one thread and no shuffling keep the result byte-identical from run to run.
    """
    writer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(list(sentences)),
        model_writer=writer,
        model_type="unigram",
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        character_coverage=1.0,  # keep every Greek accented letter, never map it to <unk>
        num_threads=1,
        shuffle_input_sentence=False,
        unk_id=unk_id,
        bos_id=bos_id,
        eos_id=eos_id,
        pad_id=pad_id,
        minloglevel=2,  # the trainer is chatty on stderr
    )
    return writer.getvalue()


def sentencepiece_pieces(model_proto: bytes) -> list[str]:
    """The ordinary pieces of a SentencePiece model in id order (no control/unknown pieces)."""
    sp = spm.SentencePieceProcessor(model_proto=model_proto)
    ids = range(sp.get_piece_size())
    return [sp.id_to_piece(i) for i in ids if not (sp.is_control(i) or sp.is_unknown(i))]


@contextmanager
def _seeded(seed: int) -> Iterator[None]:
    """Seed torch's global generator (random init uses it) without leaking into the caller."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


# ---------------------------------------------------------------------------------------------
# Marian (opus-mt) translator
# ---------------------------------------------------------------------------------------------

MARIAN_EOS, MARIAN_UNK, MARIAN_PAD = "</s>", "<unk>", "<pad>"

#: Tiny Marian shape. Fields mirror the opus-mt config.json ones that matter: shared source /
#: target embeddings tied to the output layer, sinusoidal positions, scaled embeddings,
#: post-norm layers (Marian has no normalize_before switch in transformers).
TINY_MARIAN_CONFIG: Mapping[str, Any] = {
    "d_model": 32,
    "encoder_layers": 2,
    "decoder_layers": 2,
    "encoder_attention_heads": 2,
    "decoder_attention_heads": 2,
    "encoder_ffn_dim": 64,
    "decoder_ffn_dim": 64,
    "max_position_embeddings": 256,
    "activation_function": "swish",
    "scale_embedding": True,
    "share_encoder_decoder_embeddings": True,
    "tie_word_embeddings": True,
    "dropout": 0.1,
    "attention_dropout": 0.0,
    "activation_dropout": 0.0,
}

#: Like opus-mt's generation_config.json (pad/decoder-start ids are filled in per model), but
#: with a short max_length: random weights rarely emit </s>, so every output runs to the cap.
TINY_MARIAN_GENERATION: Mapping[str, Any] = {
    "num_beams": 4,
    "max_length": 48,
    "renormalize_logits": True,
}


@dataclass(frozen=True)
class MarianArchitecture:
    """The shape of a published opus-mt checkpoint, for random-weight stand-ins of full size."""

    name: str
    config: Mapping[str, Any]
    vocab_size: int
    generation: Mapping[str, Any] = field(default_factory=dict)


#: Helsinki-NLP/opus-mt-tc-big-el-en (transformer-big): values from its config.json /
#: generation_config.json. pad = decoder start = 58828 = last id; the real vocab.json puts
#: ``</s>`` at 25697, our stand-in keeps the tiny tokenizer's ``</s>`` = 0 (same cost per step).
OPUS_MT_TC_BIG_EL_EN = MarianArchitecture(
    name="Helsinki-NLP/opus-mt-tc-big-el-en",
    config={
        "d_model": 1024,
        "encoder_layers": 6,
        "decoder_layers": 6,
        "encoder_attention_heads": 16,
        "decoder_attention_heads": 16,
        "encoder_ffn_dim": 4096,
        "decoder_ffn_dim": 4096,
        "max_position_embeddings": 1024,
        "activation_function": "relu",
        "scale_embedding": True,
        "share_encoder_decoder_embeddings": True,
        "tie_word_embeddings": True,
        "dropout": 0.1,
        "attention_dropout": 0.0,
        "activation_dropout": 0.0,
    },
    vocab_size=58829,
    generation={"num_beams": 4, "max_length": 512, "renormalize_logits": True},
)

#: Helsinki-NLP/opus-mt-grk-en (transformer-base, 2020): swish, 512 positions, vocab 22323 with
#: pad = 22322 last, ``</s>`` = 0 like our tokenizer.
OPUS_MT_GRK_EN = MarianArchitecture(
    name="Helsinki-NLP/opus-mt-grk-en",
    config={
        "d_model": 512,
        "encoder_layers": 6,
        "decoder_layers": 6,
        "encoder_attention_heads": 8,
        "decoder_attention_heads": 8,
        "encoder_ffn_dim": 2048,
        "decoder_ffn_dim": 2048,
        "max_position_embeddings": 512,
        "activation_function": "swish",
        "scale_embedding": True,
        "share_encoder_decoder_embeddings": True,
        "tie_word_embeddings": True,
        "dropout": 0.1,
        "attention_dropout": 0.0,
        "activation_dropout": 0.0,
    },
    vocab_size=22323,
    generation={"num_beams": 4, "max_length": 512, "renormalize_logits": True},
)

MARIAN_ARCHITECTURES: Mapping[str, MarianArchitecture] = {
    arch.name: arch for arch in (OPUS_MT_TC_BIG_EL_EN, OPUS_MT_GRK_EN)
}


def marian_vocab(
    source_pieces: Sequence[str], target_pieces: Sequence[str], vocab_size: int | None = None
) -> dict[str, int]:
    """Joint opus-mt style vocab.json: ``</s>`` = 0, ``<unk>`` = 1, pieces, ``<pad>`` last.

    ``<pad>`` must be the last id: transformers starts decoding from it, and CTranslate2's
    Marian converter drops the last vocabulary entry (and embedding row) only if it is
    ``<pad>``. With ``vocab_size`` larger than the pieces, filler entries ``<unused_N>`` pad
    the vocabulary so that tokenizer and embedding matrix agree in size (CTranslate2 checks).
    """
    tokens = [MARIAN_EOS, MARIAN_UNK]
    seen = set(tokens) | {MARIAN_PAD}
    for piece in (*source_pieces, *target_pieces):
        if piece not in seen:
            seen.add(piece)
            tokens.append(piece)
    if vocab_size is not None:
        if vocab_size < len(tokens) + 1:
            raise ValueError(f"vocab_size {vocab_size} < {len(tokens) + 1} trained tokens + <pad>")
        tokens += [f"<unused_{i}>" for i in range(vocab_size - 1 - len(tokens))]
    tokens.append(MARIAN_PAD)
    return {token: i for i, token in enumerate(tokens)}


def _save_marian_tokenizer(outdir: Path, spm_size: int, vocab_size: int | None) -> MarianTokenizer:
    """Write source.spm / target.spm / vocab.json (+ tokenizer config) and return the tokenizer."""
    import warnings

    from transformers import MarianTokenizer

    source = train_sentencepiece(GREEK_SENTENCES, spm_size)
    target = train_sentencepiece(ENGLISH_SENTENCES, spm_size)
    vocab = marian_vocab(sentencepiece_pieces(source), sentencepiece_pieces(target), vocab_size)
    outdir.mkdir(parents=True, exist_ok=True)
    (outdir / "source.spm").write_bytes(source)
    (outdir / "target.spm").write_bytes(target)
    (outdir / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    with warnings.catch_warnings():
        # "Recommended: pip install sacremoses" (punctuation normaliser): irrelevant for building.
        warnings.simplefilter("ignore", UserWarning)
        tokenizer = MarianTokenizer(
            source_spm=str(outdir / "source.spm"),
            target_spm=str(outdir / "target.spm"),
            vocab=str(outdir / "vocab.json"),
            source_lang="el",
            target_lang="en",
            model_max_length=512,
        )
    tokenizer.save_pretrained(outdir)
    return tokenizer


def build_random_marian(
    outdir: Path,
    config_overrides: Mapping[str, Any] | None = None,
    vocab_size: int | None = None,
    seed: int = 0,
    *,
    generation_overrides: Mapping[str, Any] | None = None,
    spm_vocab_size: int = 160,
    dtype: torch.dtype | None = None,
) -> Path:
    """Random-weight MarianMTModel (el→en) + real MarianTokenizer, saved to ``outdir``.

    ``config_overrides`` go on top of :data:`TINY_MARIAN_CONFIG`; ``vocab_size`` sets the
    embedding rows (default: just the trained pieces). For a full-size stand-in pass a
    :class:`MarianArchitecture`'s fields, or use :func:`build_marian_architecture`. Then
    the tokenizer is still the small trained one (a few hundred real pieces), but vocab.json is
    padded with ``<unused_N>`` fillers so it has exactly ``vocab_size`` entries with ``<pad>``
    last, i.e. the embedding matrix, output projection and softmax have the real model's size
    (what a speed benchmark needs) and CTranslate2 conversion sees a consistent vocabulary.
    Inputs only ever use the trained pieces; random outputs may decode fillers verbatim.
    ``dtype`` (e.g. ``torch.float16``) halves the files of the full-size variants.
    """
    from transformers import GenerationConfig, MarianConfig, MarianMTModel

    outdir = Path(outdir)
    tokenizer = _save_marian_tokenizer(outdir, spm_vocab_size, vocab_size)
    vocab_size = len(tokenizer.encoder)
    pad_id = tokenizer.pad_token_id
    eos_id = tokenizer.eos_token_id
    if pad_id != vocab_size - 1 or eos_id != 0:
        raise RuntimeError(f"not the opus-mt layout (</s>=0, <pad> last): {eos_id=} {pad_id=}")

    settings = {**TINY_MARIAN_CONFIG, **(config_overrides or {})}
    config = MarianConfig(
        vocab_size=vocab_size,
        decoder_vocab_size=vocab_size,
        pad_token_id=pad_id,
        decoder_start_token_id=pad_id,  # Marian starts decoding from <pad> (a zero embedding)
        eos_token_id=eos_id,
        forced_eos_token_id=eos_id,
        bos_token_id=0,  # opus-mt configs say 0 (= </s>); unused for Marian
        architectures=["MarianMTModel"],
        **settings,
    )
    with _seeded(seed):
        model = MarianMTModel(config).eval()
    if dtype is not None:
        model = model.to(dtype)
    model.generation_config = GenerationConfig(
        bad_words_ids=[[pad_id]],  # never generate the decoder-start token
        bos_token_id=0,
        decoder_start_token_id=pad_id,
        eos_token_id=eos_id,
        forced_eos_token_id=eos_id,
        pad_token_id=pad_id,
        **{**TINY_MARIAN_GENERATION, **(generation_overrides or {})},
    )
    model.save_pretrained(outdir)
    return outdir


def build_marian_architecture(
    outdir: Path,
    arch: MarianArchitecture | str,
    seed: int = 0,
    dtype: torch.dtype | None = None,
) -> Path:
    """Random-weight stand-in with the exact shape of a published opus-mt model.

    ``arch`` is a :class:`MarianArchitecture` or a key of :data:`MARIAN_ARCHITECTURES`
    (e.g. ``"Helsinki-NLP/opus-mt-tc-big-el-en"``). float32 on disk: tc-big ~0.95 GB (~12 s to
    build), grk-en ~0.22 GB (~2 s); tied embeddings are stored once.
    """
    if isinstance(arch, str):
        arch = MARIAN_ARCHITECTURES[arch]
    return build_random_marian(
        outdir,
        arch.config,
        arch.vocab_size,
        seed,
        generation_overrides=arch.generation,
        dtype=dtype,
    )


def build_tiny_marian(outdir: Path, seed: int = 0) -> Path:
    """Tiny opus-mt-style el→en translator (d_model 32, 2+2 layers, vocab of ~300)."""
    return build_random_marian(outdir, seed=seed)


# ---------------------------------------------------------------------------------------------
# mT5 summarizer
# ---------------------------------------------------------------------------------------------

#: Tiny mT5 shape: gated-GELU FFN like google/mt5-* (tie_word_embeddings: see build_tiny_mt5).
TINY_MT5_CONFIG: Mapping[str, Any] = {
    "d_model": 32,
    "d_kv": 16,
    "d_ff": 64,
    "num_layers": 2,
    "num_decoder_layers": 2,
    "num_heads": 2,
    "relative_attention_num_buckets": 32,
    "relative_attention_max_distance": 128,
    "feed_forward_proj": "gated-gelu",
    "dropout_rate": 0.1,
}
#: mT5 has 100 sentinel tokens; a handful keep the special-token layout without dwarfing
#: the ~250 real pieces.
TINY_MT5_EXTRA_IDS = 8


def build_tiny_mt5(outdir: Path, seed: int = 0) -> Path:
    """Tiny mT5 summarizer: MT5ForConditionalGeneration + T5Tokenizer from a trained spiece.model.

    T5 layout: ``<pad>`` = 0 (also the decoder start), ``</s>`` = 1, ``<unk>`` = 2, pieces,
    then ``<extra_id_N>`` sentinels. Building the tokenizer from the .model goes through
    transformers' SentencePiece → tokenizers conversion, which needs ``protobuf``.

    transformers 5 forces ``MT5Config.tie_word_embeddings = True``, so the output layer is
    the shared embedding here (real mT5 checkpoints still load untied) and mT5 never rescales
    decoder outputs. CTranslate2's T5 converter reads that flag and multiplies the logits by
    ``d_model ** -0.5``: greedy ids are unaffected, scores / beam search / sampling are not.
    Converting with ``model.config.tie_word_embeddings = False`` (override
    ``TransformersConverter.load_model``) gives logits equal to torch.
    """
    from transformers import GenerationConfig, MT5Config, MT5ForConditionalGeneration, T5Tokenizer

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    proto = train_sentencepiece(
        (*GREEK_SENTENCES, *ENGLISH_SENTENCES), 250, pad_id=0, eos_id=1, unk_id=2, bos_id=-1
    )
    (outdir / "spiece.model").write_bytes(proto)
    tokenizer = T5Tokenizer.from_pretrained(outdir, extra_ids=TINY_MT5_EXTRA_IDS)
    tokenizer.save_pretrained(outdir)

    config = MT5Config(
        vocab_size=len(tokenizer),
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.pad_token_id,
        architectures=["MT5ForConditionalGeneration"],
        **TINY_MT5_CONFIG,
    )
    with _seeded(seed):
        model = MT5ForConditionalGeneration(config).eval()
    model.generation_config = GenerationConfig(
        decoder_start_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        max_length=128,
    )
    model.save_pretrained(outdir)
    return outdir


# ---------------------------------------------------------------------------------------------
# mBART summarizer
# ---------------------------------------------------------------------------------------------

#: Tiny mBART shape, modelled on dascim/greekbart-news24-abstract (GreekBART: fairseq BART-base
#: converted to MBartForConditionalGeneration). ``normalize_before`` is not a transformers
#: MBartConfig field (mBART is always pre-norm) but CTranslate2's converter reads it, so it is
#: stored in config.json as the converted checkpoints do.
TINY_MBART_CONFIG: Mapping[str, Any] = {
    "d_model": 32,
    "encoder_layers": 2,
    "decoder_layers": 2,
    "encoder_attention_heads": 2,
    "decoder_attention_heads": 2,
    "encoder_ffn_dim": 64,
    "decoder_ffn_dim": 64,
    "max_position_embeddings": 256,
    "activation_function": "gelu",
    "scale_embedding": False,  # fairseq bart_base: no embedding scaling
    "normalize_before": True,
    "normalize_embedding": True,
    "add_final_layer_norm": True,
    "dropout": 0.1,
}

#: GreekBART's generation_config.json, plus a max_length (without one transformers stops at 20).
TINY_MBART_GENERATION: Mapping[str, Any] = {
    "num_beams": 4,
    "no_repeat_ngram_size": 3,
    "early_stopping": True,
    "max_length": 128,
}


def build_tiny_mbart(outdir: Path, seed: int = 0) -> Path:
    """Tiny GreekBART-style summarizer: MBartForConditionalGeneration + BarthezTokenizer.

    Why not ``MBartTokenizer``: the mBART-25/50 language codes have no Greek, and the Greek
    mBART-architecture summarizer this stands in for (GreekBART) is monolingual, with a
    BARThez-style SentencePiece vocabulary: ``<s>`` 0, ``<pad>`` 1, ``</s>`` 2, ``<unk>`` 3
    inside the .model, ``<mask>`` appended. ``BarthezTokenizer`` reads exactly that (and
    ``AutoTokenizer`` finds it via tokenizer_config.json); inputs are ``<s> … </s>``, decoding
    starts from ``</s>`` and nothing forces a language token, so no language-code handling.
    """
    from tokenizers import processors
    from transformers import (
        BarthezTokenizer,
        GenerationConfig,
        MBartConfig,
        MBartForConditionalGeneration,
    )

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    proto = train_sentencepiece(
        (*GREEK_SENTENCES, *ENGLISH_SENTENCES), 250, bos_id=0, pad_id=1, eos_id=2, unk_id=3
    )
    (outdir / "sentencepiece.bpe.model").write_bytes(proto)
    tokenizer = BarthezTokenizer.from_pretrained(outdir)
    # Built from a bare .model, BarthezTokenizer (transformers 5) gets no post-processor and adds
    # no special tokens; the hub's tokenizer.json carries BARThez's "<s> $A </s>" template, so
    # set that (it is saved into our tokenizer.json and picked up again on load).
    tokenizer.backend_tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", tokenizer.bos_token_id), ("</s>", tokenizer.eos_token_id)],
    )
    tokenizer.save_pretrained(outdir)

    special = {
        "bos_token_id": tokenizer.bos_token_id,
        "pad_token_id": tokenizer.pad_token_id,
        "eos_token_id": tokenizer.eos_token_id,
        "decoder_start_token_id": tokenizer.eos_token_id,  # BART-style: start from </s>
        "forced_eos_token_id": tokenizer.eos_token_id,
    }
    if list(special.values()) != [0, 1, 2, 2, 2]:
        raise RuntimeError(f"unexpected BARThez special-token layout: {special}")
    config = MBartConfig(
        vocab_size=len(tokenizer),
        architectures=["MBartForConditionalGeneration"],
        **special,
        **TINY_MBART_CONFIG,
    )
    with _seeded(seed):
        model = MBartForConditionalGeneration(config).eval()
    model.generation_config = GenerationConfig(**special, **TINY_MBART_GENERATION)
    model.save_pretrained(outdir)
    return outdir


# ---------------------------------------------------------------------------------------------


def build_tiny_models(outdir: Path) -> dict[str, Path]:
    """Build all three tiny models under ``outdir`` (same layout as the real model store)."""
    outdir = Path(outdir)
    return {
        "translator": build_tiny_marian(outdir / "translator"),
        "summarizer": build_tiny_mt5(outdir / "summarizer"),
        "summarizer-mbart": build_tiny_mbart(outdir / "summarizer-mbart"),
    }
