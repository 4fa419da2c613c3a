import { describe, expect, it } from 'vitest';
import { escapeMarkup } from './escape.js';

describe('escapeMarkup', () => {
  it('escapes what would start markup or end an attribute, and drops characters XML refuses', () => {
    expect(escapeMarkup(`<script>alert("x")</script> & 'y'`)).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;',
    );
    expect(escapeMarkup('a\u0000b\u0007c\td\ne')).toBe('abc\td\ne');
    expect(escapeMarkup('&amp;')).toBe('&amp;amp;');
  });
});
