import type { ReactNode } from 'react';
import { Card, Stack, Text, Title } from '@mantine/core';

/** A step's section: a white studio card with a heading and a line saying what it is for. */
export function StepCard({ title, intro, children }: { title: string; intro?: string; children: ReactNode }) {
  return (
    <Card className="bk-card" padding="lg">
      <Stack gap="md">
        <div>
          <Title order={2} size="h3">
            {title}
          </Title>
          {intro && <Text size="sm">{intro}</Text>}
        </div>
        {children}
      </Stack>
    </Card>
  );
}
