/**
 * "Share on …" links for the public gallery: plain links to each network's own share page,
 * with the gallery's URL and title filled in. No third-party scripts, widgets or pixels: the
 * network learns of the visit only when a visitor clicks.
 */
export function shareButtons(url: string, title: string): Array<{ network: string; href: string }> {
  const u = encodeURIComponent(url);
  const text = encodeURIComponent(title);
  return [
    { network: 'WhatsApp', href: `https://wa.me/?text=${encodeURIComponent(`${title} ${url}`)}` },
    { network: 'Telegram', href: `https://t.me/share/url?url=${u}&text=${text}` },
    { network: 'X', href: `https://x.com/intent/post?url=${u}&text=${text}` },
    { network: 'Facebook', href: `https://www.facebook.com/sharer/sharer.php?u=${u}` },
    { network: 'LinkedIn', href: `https://www.linkedin.com/sharing/share-offsite/?url=${u}` },
    { network: 'Reddit', href: `https://www.reddit.com/submit?url=${u}&title=${text}` },
    { network: 'Email', href: `mailto:?subject=${text}&body=${u}` },
  ];
}
