import { Anchor, Container, Text, Title } from '@mantine/core';
import { Link } from 'react-router';

export function NotFound() {
  return (
    <Container size="sm" py={64} component="main">
      <Title order={1}>Page not found</Title>
      <Text mt="sm">This address does not lead to a page. It may have moved, or the link is mistyped.</Text>
      <Anchor component={Link} to="/" mt="md" display="block">
        Go to the start page
      </Anchor>
    </Container>
  );
}
