import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Card, Center, Checkbox, Group, Loader, Text } from '@mantine/core';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { Link } from 'react-router';
import { AuthImage } from './AuthImage';

export interface GalleryPhoto {
  id: string;
  original_name: string;
  urls: { thumb: string };
}

const IMAGE_HEIGHT = 140;
/** The image and the caption row under it. */
const CARD_HEIGHT = IMAGE_HEIGHT + 34;
const GAP = 8;
const MIN_CARD_WIDTH = 150;

/**
 * The seed's "Gallery 2.0": a grid that stays fast with tens of thousands of photos. Only the
 * rows near the window are in the page (TanStack Virtual against the window's scroll, so the
 * page scrolls as any other); the others are empty space of the right height. A row holds as
 * many cards as the width allows (at least two, as on a phone). When the last loaded rows come
 * into view, `onNearEnd` asks for the next page.
 */
export function VirtualGallery({
  photos,
  hasMore,
  loadingMore,
  onNearEnd,
  selected,
  onToggle,
}: {
  photos: GalleryPhoto[];
  hasMore: boolean;
  loadingMore: boolean;
  onNearEnd(): void;
  selected: string[];
  onToggle(id: string): void;
}) {
  const container = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  // Where the grid starts in the document: the virtualizer measures the window's scroll.
  const [offsetTop, setOffsetTop] = useState(0);
  useLayoutEffect(() => {
    const el = container.current;
    if (!el) return;
    const measure = () => {
      setWidth(el.clientWidth);
      setOffsetTop(el.getBoundingClientRect().top + window.scrollY);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const columns = Math.max(2, Math.floor((width + GAP) / (MIN_CARD_WIDTH + GAP)));
  const rowCount = Math.ceil(photos.length / columns);
  const virtualizer = useWindowVirtualizer({ count: rowCount, estimateSize: () => CARD_HEIGHT + GAP, overscan: 3, scrollMargin: offsetTop });
  const rows = virtualizer.getVirtualItems();
  const lastShown = rows.at(-1)?.index ?? -1;

  useEffect(() => {
    if (hasMore && !loadingMore && lastShown >= rowCount - 3) onNearEnd();
  }, [hasMore, loadingMore, lastShown, rowCount, onNearEnd]);

  return (
    <>
      <div ref={container} data-testid="aura-gallery" style={{ position: 'relative', width: '100%', height: virtualizer.getTotalSize() }}>
        {rows.map((row) => (
          <div
            key={row.key}
            style={{
              position: 'absolute',
              top: 0,
              left: 0,
              width: '100%',
              transform: `translateY(${row.start - offsetTop}px)`,
              display: 'grid',
              gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
              gap: GAP,
            }}
          >
            {photos.slice(row.index * columns, (row.index + 1) * columns).map((p) => (
              <Card key={p.id} withBorder p={0} h={CARD_HEIGHT}>
                <Link to={`/aura/admin/photos/${p.id}`} aria-label={`Open ${p.original_name}`}>
                  <AuthImage url={p.urls.thumb} alt={p.original_name} h={IMAGE_HEIGHT} />
                </Link>
                <Group p={6} gap={6} wrap="nowrap">
                  <Checkbox size="xs" aria-label={`Select ${p.original_name}`} checked={selected.includes(p.id)} onChange={() => onToggle(p.id)} />
                  <Text size="xs" truncate>{p.original_name}</Text>
                </Group>
              </Card>
            ))}
          </div>
        ))}
      </div>
      {loadingMore && (
        <Center py="sm">
          <Loader size="sm" role="status" aria-label="Loading more photos" />
        </Center>
      )}
    </>
  );
}
