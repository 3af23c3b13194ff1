// Sample texts for the demo, written for it.
export const SAMPLES: { label: string; text: string }[] = [
  {
    label: 'Mixed',
    text:
      'BytePiece cuts text into pieces of bytes, so every string has a segmentation: ' +
      '今天天气不错，我们一起去公园散步吧！ Emoji too: 👩‍👩‍👧‍👦 🏳️‍🌈 👍🏽\n' +
      'The ids on the right are exactly what the reference tokenizer gives.\n',
  },
  {
    label: '中文',
    text: '分词是自然语言处理的第一步。字节级的 Unigram 模型把文本看作字节序列，用动态规划找出概率最大的切分方式，因此不会出现未登录词。\n',
  },
  {
    label: 'English',
    text:
      'Tokenizers decide what a language model sees. A byte-level Unigram model never meets an unknown word: ' +
      'anything it has not learned falls apart into smaller pieces, down to single bytes.\n',
  },
  {
    label: 'Emoji',
    text: 'Families 👨‍👩‍👧 👩‍👩‍👦‍👦, flags 🇨🇳 🇺🇸 🏴‍☠️, skin tones 👋🏻 👋🏿, keycaps 1️⃣ #️⃣ and a heart ❤️‍🔥\n',
  },
  {
    label: 'Code',
    text: 'def tokenize(text: str) -> list[int]:\n    """Return the ids of text."""\n    return [vocab[p] for p in segment(text.encode("utf-8"))]\n',
  },
];
